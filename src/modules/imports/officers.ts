// Importing officers: an upsert matched on the ID number. Each row is applied through the
// officers service, so it does exactly what the single-officer endpoints do (rules, audit,
// change feed); a departure in a row is the departure endpoint's, certificates cancelled
// included. An officer serving at another agency must be transferred first. The check finds,
// reading only, every refusal applying would give and what applying would do (plan below).
import type { Static } from 'typebox'
import { roleChangeRefusal, type DepartureReason } from '../../domain/certificates.js'
import { checkIdNumber, normalizeIdNumber } from '../../domain/identity.js'
import { isIsoDate, shanghaiDate } from '../../domain/dates.js'
import { dateRefusal, joiningOrderRefusal, moveOrderRefusal, rejoiningRefusal } from '../../domain/plausible-dates.js'
import { servingOn } from '../../domain/training.js'
import type { Db } from '../../db/store.js'
import { fail, RegistryError, type ErrorCode } from '../../errors.js'
import { rowCheckOnFirstUse } from '../../http/ajv.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import { certificateRepository } from '../certificates/repository.js'
import type { ServiceContext } from '../context.js'
import { officerRepository, type OfficerRow } from '../officers/repository.js'
import { officersService, type OfficerInput, type OfficersService } from '../officers/service.js'
import { refusal, schemaErrors, type Outcome, type RowError, type RowResult, type RowSpec } from './engine.js'
import { ImportOfficerRow, OFFICER_COLUMNS } from './schema.js'

type Row = Static<typeof ImportOfficerRow>

// What a row may change on a registered officer (agency changes go through a transfer).
const UPDATABLE = ['name', 'employeeNo', 'phone', 'joinedOn', 'auxiliary', 'police', 'legalReviewer', 'supervisor'] as const

const rowCheck = rowCheckOnFirstUse<Row>(ImportOfficerRow)

const today = (ctx: ServiceContext) => shanghaiDate(ctx.clock())

/** Whether the officer left as the row says (same reason, same day): the row changes nothing. */
const departedAs = (o: { status: string, departureReason: string | null, departedOn: string | null }, d: { reason?: unknown, date?: unknown }) =>
  o.status === 'departed' && o.departureReason === d.reason && o.departedOn === d.date

/** What applying a row does to the officer it names, as judged on the data as it stands. */
type Plan =
  | { kind: 'register', rejoin: boolean }
  | { kind: 'update', officer: OfficerRow, patch: Partial<Omit<OfficerInput, 'agencyId'>>, depart: boolean }

const refused = (code: ErrorCode, pointer: string, detail: string): { errors: RowError[] } => ({ errors: [{ code, pointer, detail }] })

/** What a row does, or why it cannot: the same decisions upsert() below makes, read-only. The
 *  departure's date is judged in check(), against the row's and the officer's history. */
async function plan (db: Db, actor: Actor, row: Row, existing: OfficerRow | undefined, today: string, agencyActive: boolean): Promise<Plan | { errors: RowError[] }> {
  // New here: a person never registered, or one who has left and now serves at another agency
  // (taken on again by register: the same officer, with their history).
  if (existing === undefined || (!servingOn(existing, today) && existing.agencyId !== row.agencyId)) {
    if (!agencyActive) return refused('AGENCY_NOT_ACTIVE', '/agencyId', `agency ${row.agencyId} is merged or dissolved and takes no one new / 该执法主体已合并或撤销`)
    return { kind: 'register', rejoin: existing !== undefined }
  }
  if (!await officerRepository.findById(db, actor.scope, existing.id)) return refused('ID_NUMBER_TAKEN', '/idNumber', 'this person is registered with another agency; ask for a transfer / 该人员已在其他执法主体登记，请办理调动')
  if (existing.agencyId !== row.agencyId) {
    return refused('OFFICER_NOT_AT_AGENCY', '/agencyId', `officer ${existing.id} serves at agency ${existing.agencyId}: record the transfer (POST /v1/officers/${existing.id}/transfer) first / 该人员在其他执法主体任职，请先办理调动`)
  }
  const patch: Partial<Omit<OfficerInput, 'agencyId'>> = {}
  for (const k of UPDATABLE) if (row[k] !== undefined && row[k] !== existing[k]) Object.assign(patch, { [k]: row[k] })
  if (Object.keys(patch).length > 0) {
    const role = roleChangeRefusal(existing, patch, (await certificateRepository.live(db, existing.id)).length > 0)
    if (role) return refused(role, role === 'OFFICER_AUXILIARY' ? '/auxiliary' : '/police', 'holds a live certificate: cancel it first / 该人员持有执法证件，请先注销证件')
    if (patch.joinedOn !== undefined && patch.joinedOn !== null) {
      const order = joiningOrderRefusal(patch.joinedOn, { departedOn: existing.departedOn, ...(await officerRepository.moveDates(db, existing.id)) })
      if (order) return refused(order.code, '/joinedOn', order.detail)
    }
  }
  const departure = row.departureReason !== undefined && row.departureDate !== undefined
  if (departure && existing.status !== 'active' && !departedAs(existing, { reason: row.departureReason, date: row.departureDate })) {
    return refused('OFFICER_DEPARTED', '/departureDate', `officer ${existing.id} left on ${existing.departedOn ?? '?'} (${existing.departureReason ?? '?'}) / 该人员已离岗`)
  }
  return { kind: 'update', officer: existing, patch, depart: departure && existing.status === 'active' }
}

/** What a batch reads ahead: the officers registered with the rows' ID numbers (canonical), at
 *  once (one statement on PostgreSQL), rather than one lookup per row. `asked`: the numbers read
 *  (one not among them is looked up alone). */
interface Ahead { asked: ReadonlySet<string>, found: ReadonlyMap<string, OfficerRow> }

/** What apply() reads once for a batch: the rows' officers (every row's number asked; the rows
 *  of one file have distinct numbers, and applying one row writes only its own officer, so what
 *  is read before the batch is what each row would read) and the agencies, each read once. */
interface Known { found: ReadonlyMap<string, OfficerRow>, agency: (id: number) => Promise<{ status: string } | undefined> }

/** The ID number a row gives, in the canonical form checking would give it, when it has that
 *  form at all (checkIdNumber judges it in check()). */
const canonicalIdNumber = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined
  const id = normalizeIdNumber(v)
  return /^\d{17}[\dX]$/.test(id) ? id : undefined
}

export function officerRows (): RowSpec<{ row: Row, idNumber: string }, Ahead> {
  /** Upserts one officer (and records the departure it carries) inside the caller's
   *  transaction `db` (`officers`: the officers service's writes, run in it); throws the
   *  service's refusal. */
  async function upsert (ctx: ServiceContext, officers: ReturnType<OfficersService['within']>, db: Db, actor: Actor, row: Row, idNumber: string, known: Known): Promise<{ outcome: Outcome, officerId: number }> {
    const departure = row.departureReason && row.departureDate ? { reason: row.departureReason as DepartureReason, date: row.departureDate } : undefined
    const existing = known.found.get(idNumber)
    const agency = await known.agency(row.agencyId)
    const p = await plan(db, actor, row, existing, today(ctx), agency?.status === 'active')
    if ('errors' in p) {
      const e = p.errors[0] as RowError
      fail(e.code, e.detail, { errors: [{ in: 'body', pointer: e.pointer ?? '/', detail: e.detail }] })
    }
    if (p.kind === 'register') {
      const { departureReason: _r, departureDate: _d, ...input } = row
      const created = await officers.register(actor, { ...input, idNumber })
      if (departure) await officers.depart(actor, created.id, departure)
      return { outcome: p.rejoin ? 'updated' : 'created', officerId: created.id }
    }
    if (Object.keys(p.patch).length > 0) await officers.update(actor, p.officer.id, p.officer.version, p.patch)
    if (p.depart && departure) await officers.depart(actor, p.officer.id, departure)
    return { outcome: Object.keys(p.patch).length > 0 || p.depart ? 'updated' : 'unchanged', officerId: p.officer.id }
  }

  return {
    columns: OFFICER_COLUMNS,
    batch: 100,
    assignsIds: true,

    async lookAhead (db, _actor, values) {
      const asked = new Set<string>()
      for (const v of values) { const id = canonicalIdNumber(v.idNumber); if (id !== undefined) asked.add(id) }
      return { asked, found: await officerRepository.findByIdNumbers(db, [...asked]) }
    },

    async check (db, actor, v, row, state, today, ahead) {
      const validRow = rowCheck()
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
      const existing = idNumber === '' ? undefined : ahead?.asked.has(idNumber) === true ? ahead.found.get(idNumber) : await officerRepository.findByIdNumber(db, idNumber)
      // The row's dates as the officers service judges them, named by the row's fields: joinedOn
      // by today and from 1949-10-01; a departure too (but one already recorded as it stands,
      // dated ahead before such dates were refused: importing the same file again is safe), not
      // before the officer joined (the row's joinedOn, else the one recorded) nor before their
      // last recorded move (today, for one this row takes on again).
      const joinedOn = typeof v.joinedOn === 'string' && isIsoDate(v.joinedOn) ? v.joinedOn : null
      const joining = joinedOn === null ? null : dateRefusal(joinedOn, 'happened', today)
      if (joining) errors.push({ code: joining.code, pointer: '/joinedOn', detail: joining.detail })
      // One this row takes on again (left, now at another agency) begins a new stint on its
      // joinedOn: not before they left.
      const takenOnAgain = existing !== undefined && !servingOn(existing, today) && existing.agencyId !== v.agencyId
      const stint = takenOnAgain && joinedOn !== null && joining === null ? rejoiningRefusal(joinedOn, (await officerRepository.moveDates(db, existing.id)).lastMoveOn) : null
      if (stint) errors.push({ code: stint.code, pointer: '/joinedOn', detail: stint.detail })
      if (typeof v.departureDate === 'string' && isIsoDate(v.departureDate)) {
        // One this row takes on again moves today, before the row's departure: that departure
        // is a new one, even dated as the one recorded.
        if (existing === undefined || takenOnAgain || !departedAs(existing, { reason: v.departureReason, date: v.departureDate })) {
          // Otherwise only a history the caller may see (one serving elsewhere is refused by the plan).
          const known = existing !== undefined && !takenOnAgain && (await officerRepository.findById(db, actor.scope, existing.id)) !== undefined ? existing : undefined
          const history = takenOnAgain
            ? { joinedOn: null, lastMoveOn: joinedOn ?? today }
            : { joinedOn: joinedOn ?? known?.joinedOn ?? null, lastMoveOn: known === undefined ? null : (await officerRepository.moveDates(db, known.id)).lastMoveOn }
          const leaving = dateRefusal(v.departureDate, 'happened', today) ?? moveOrderRefusal(v.departureDate, history)
          if (leaving) {
            const detail = leaving.code === 'DATE_IN_FUTURE' ? `after today (${today}): record a departure on the day it happens / 离岗日期晚于今天` : leaving.detail
            errors.push({ code: leaving.code, pointer: '/departureDate', detail })
          }
        }
      }
      // An agency merged or dissolved takes no one new (AGENCY_NOT_ACTIVE, from the plan), but
      // its people can still be corrected and, above all, recorded as departed (rule 2).
      let agencyActive = false
      if (typeof v.agencyId === 'number' && Number.isSafeInteger(v.agencyId)) {
        const key = `agency:${v.agencyId}`
        if (!state.cache.has(key)) state.cache.set(key, (await agencyRepository.findById(db, actor.scope, v.agencyId))?.status ?? null)
        const status = state.cache.get(key) as string | null
        if (status === null) errors.push({ code: 'AGENCY_OUT_OF_SCOPE', pointer: '/agencyId', detail: `agency ${v.agencyId} not found in your scope` })
        agencyActive = status === 'active'
      }
      if (errors.length > 0) return { errors }
      const p = await plan(db, actor, v as Row, existing, today, agencyActive)
      if ('errors' in p) return p
      const outcome: Outcome = p.kind === 'register' ? (p.rejoin ? 'updated' : 'created') : Object.keys(p.patch).length > 0 || p.depart ? 'updated' : 'unchanged'
      return { input: { row: v as Row, idNumber }, expect: p.kind === 'update' ? { outcome, officerId: p.officer.id } : { outcome } }
    },

    async apply (ctx, db, actor, _at, rows, keepGoing) {
      const officers = officersService(ctx).within(db)
      const results: RowResult[] = []
      const agencies = new Map<number, Promise<{ status: string } | undefined>>()
      const known: Known = {
        found: await officerRepository.findByIdNumbers(db, rows.map((r) => r.input.idNumber)),
        agency: async (id) => {
          let agency = agencies.get(id)
          if (agency === undefined) agencies.set(id, agency = agencyRepository.findById(db, actor.scope, id))
          return await agency
        }
      }
      for (const { row, input } of rows) {
        const applyOne = async () => await upsert(ctx, officers, db, actor, input.row, input.idNumber, known)
        try {
          // Partial imports: its own savepoint, so a refused row leaves nothing behind.
          results.push({ row, ...(keepGoing ? await ctx.store.savepoint(db, applyOne) : await applyOne()) })
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err
          results.push({ row, outcome: 'error', errors: [refusal(err)] })
          if (!keepGoing) break
        }
      }
      return results
    }
  }
}
