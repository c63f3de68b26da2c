// Importing officers: an upsert matched on the ID number. Each row runs in its own savepoint
// through the officers service, so it does exactly what the single-officer endpoints do (rules,
// audit, change feed); a departure in a row is the departure endpoint's, certificates
// cancelled included. An officer serving at another agency must be transferred first.
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { Static } from 'typebox'
import { moveRecordableOn, type DepartureReason } from '../../domain/certificates.js'
import { checkIdNumber } from '../../domain/identity.js'
import { isIsoDate, shanghaiDate } from '../../domain/dates.js'
import { servingOn } from '../../domain/training.js'
import type { Db } from '../../db/open.js'
import { fail, RegistryError } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import type { ServiceContext } from '../context.js'
import { officerRepository } from '../officers/repository.js'
import { officersService, type OfficerInput } from '../officers/service.js'
import { refusal, schemaErrors, type Outcome, type RowError, type RowSpec } from './engine.js'
import { ImportOfficerRow, OFFICER_COLUMNS } from './schema.js'

type Row = Static<typeof ImportOfficerRow>

// What a row may change on a registered officer (agency changes go through a transfer).
const UPDATABLE = ['name', 'employeeNo', 'phone', 'joinedOn', 'auxiliary', 'police', 'legalReviewer', 'supervisor'] as const

const validRow = addFormats.default(new Ajv({ allErrors: true, strict: false })).compile<Row>(ImportOfficerRow)

/** Whether the officer left as the row says (same reason, same day): the row changes nothing. */
const departedAs = (o: { status: string, departureReason: string | null, departedOn: string | null }, d: { reason?: unknown, date?: unknown }) =>
  o.status === 'departed' && o.departureReason === d.reason && o.departedOn === d.date

/** Whether the row's departure is already recorded as it stands (one dated ahead before such
 *  dates were refused): importing the same file again is safe, so the row is unchanged. */
function alreadyRecorded (db: Db, idNumber: string, v: Record<string, unknown>): boolean {
  const existing = idNumber === '' ? undefined : officerRepository.findByIdNumber(db, idNumber)
  return existing !== undefined && departedAs(existing, { reason: v.departureReason, date: v.departureDate })
}

export function officerRows (ctx: ServiceContext): RowSpec<{ row: Row, idNumber: string }> {
  const officers = officersService(ctx)

  /** Upserts one officer (and records the departure it carries); throws the service's refusal. */
  function upsert (db: Db, actor: Actor, row: Row, idNumber: string): { outcome: Outcome, officerId: number } {
    const departure = row.departureReason && row.departureDate ? { reason: row.departureReason as DepartureReason, date: row.departureDate } : undefined
    const existing = officerRepository.findByIdNumber(db, idNumber)
    // New here: a person never registered, or one who has left and now serves at another agency
    // (taken on again by register, the same officer with their history).
    if (!existing || (!servingOn(existing, shanghaiDate(ctx.clock())) && existing.agencyId !== row.agencyId)) {
      const { departureReason: _r, departureDate: _d, ...input } = row
      const created = officers.register(actor, { ...input, idNumber })
      if (departure) officers.depart(actor, created.id, departure)
      return { outcome: existing ? 'updated' : 'created', officerId: created.id }
    }
    if (!officerRepository.findById(db, actor.scope, existing.id)) {
      fail('ID_NUMBER_TAKEN', 'this person is registered with another agency; ask for a transfer', { errors: [{ in: 'body', pointer: '/idNumber', detail: 'registered with another agency' }] })
    }
    if (existing.agencyId !== row.agencyId) {
      fail('OFFICER_NOT_AT_AGENCY', `officer ${existing.id} serves at agency ${existing.agencyId}: record the transfer (POST /v1/officers/${existing.id}/transfer) first / 该人员在其他执法主体任职，请先办理调动`,
        { errors: [{ in: 'body', pointer: '/agencyId', detail: `serves at agency ${existing.agencyId}` }] })
    }
    const patch: Partial<Omit<OfficerInput, 'agencyId'>> = {}
    for (const k of UPDATABLE) if (row[k] !== undefined && row[k] !== existing[k]) Object.assign(patch, { [k]: row[k] })
    let changed = false
    if (Object.keys(patch).length > 0) {
      officers.update(actor, existing.id, existing.version, patch)
      changed = true
    }
    if (departure && existing.status === 'active') {
      officers.depart(actor, existing.id, departure)
      changed = true
    } else if (departure && !departedAs(existing, departure)) {
      fail('OFFICER_DEPARTED', `officer ${existing.id} left on ${existing.departedOn ?? '?'} (${existing.departureReason ?? '?'})`)
    }
    return { outcome: changed ? 'updated' : 'unchanged', officerId: existing.id }
  }

  return {
    columns: OFFICER_COLUMNS,
    batch: 1,
    assignsIds: true,

    check (db, actor, v, row, state, today) {
      const errors: RowError[] = validRow(v) ? [] : schemaErrors(validRow.errors)
      let idNumber = ''
      if (typeof v.idNumber === 'string') {
        const id = checkIdNumber(v.idNumber, today)
        if (!id.ok) errors.push({ code: 'ID_NUMBER_INVALID', pointer: '/idNumber', detail: id.reason })
        else {
          idNumber = id.idNumber
          const first = state.seen.get(idNumber)
          if (first === undefined) state.seen.set(idNumber, row)
          else errors.push({ code: 'VALIDATION_FAILED', pointer: '/idNumber', detail: `the same person as row ${first} / 与第 ${first} 行身份证号重复` })
        }
      }
      if ((v.departureReason === undefined) !== (v.departureDate === undefined)) {
        errors.push({ code: 'VALIDATION_FAILED', pointer: v.departureReason === undefined ? '/departureReason' : '/departureDate', detail: 'departureReason and departureDate go together / 离岗原因与离岗日期须同时填写' })
      }
      if (typeof v.departureDate === 'string' && isIsoDate(v.departureDate) && !moveRecordableOn(v.departureDate, today) && !alreadyRecorded(db, idNumber, v)) {
        errors.push({ code: 'DATE_IN_FUTURE', pointer: '/departureDate', detail: `after today (${today}): record a departure on the day it happens / 离岗日期晚于今天` })
      }
      // An agency merged or dissolved takes no one new (register refuses, AGENCY_NOT_ACTIVE), but
      // its people can still be corrected and, above all, recorded as departed (rule 2).
      if (typeof v.agencyId === 'number' && Number.isSafeInteger(v.agencyId)) {
        const key = `agency:${v.agencyId}`
        if (!state.cache.has(key)) state.cache.set(key, agencyRepository.findById(db, actor.scope, v.agencyId) !== undefined)
        if (state.cache.get(key) !== true) errors.push({ code: 'AGENCY_OUT_OF_SCOPE', pointer: '/agencyId', detail: `agency ${v.agencyId} not found in your scope` })
      }
      return errors.length > 0 ? { errors } : { input: { row: v as Row, idNumber } }
    },

    apply (_db, actor, _at, rows) {
      return rows.map(({ row, input }) => {
        try {
          // Its own savepoint: a refused row leaves nothing behind, the others stand.
          return { row, ...ctx.store.write((db) => upsert(db, actor, input.row, input.idNumber)) }
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err
          return { row, outcome: 'error' as const, errors: [refusal(err)] }
        }
      })
    }
  }
}
