// 执法主体: registration, hierarchy, yearly confirmation, merger and dissolution, staffing.
import { childPath, createsCycle } from '../../domain/agency-tree.js'
import { evaluateStaffing } from '../../domain/staffing.js'
import { answersReconfirmation, confirmationStanding, mergerAsksReconfirmation, reconfirmationNeeded } from '../../domain/confirmation.js'
import { shanghaiDate, type MonthDay } from '../../domain/dates.js'
import { checkUscc } from '../../domain/uscc.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, assertPlausibleYear } from '../date-checks.js'
import { agencyRepository, NO_STAFF, type AgencyFilter, type AgencyRow } from './repository.js'

export interface AgencyInput {
  name: string
  uscc: string
  kind: AgencyRow['kind']
  level: AgencyRow['level']
  parentId?: number | null | undefined
  regionCode: string
  domains: string[]
}

export interface EndInput { date: string, successorId?: number | null | undefined, reason?: string | undefined }

function present (row: AgencyRow, confirmedYears: number[], today: string, graceUntil: MonthDay) {
  const { path: _path, reconfirmationDueSince, ...rest } = row
  const standing = confirmationStanding(confirmedYears, today, graceUntil)
  return {
    ...rest,
    confirmedYears,
    confirmationDue: row.status === 'active' && standing.confirmationDue,
    reconfirmationDue: row.status === 'active' && reconfirmationDueSince !== null,
    reconfirmationDueSince
  }
}
export type AgencyView = ReturnType<typeof present>

async function validUscc (db: Db, uscc: string, selfId: number | null): Promise<string> {
  const check = checkUscc(uscc)
  if (!check.ok) fail('USCC_INVALID', check.reason, { errors: [{ in: 'body', pointer: '/uscc', detail: check.reason }] })
  const other = await agencyRepository.findByUscc(db, check.uscc)
  if (other && other.id !== selfId) fail('USCC_TAKEN', `agency ${other.id} already has USCC ${check.uscc}`, { errors: [{ in: 'body', pointer: '/uscc', detail: `agency ${other.id} has it` }] })
  return check.uscc
}

/** The parent to place an agency under: null only for admin; otherwise an agency in scope. */
async function parentFor (db: Db, actor: Actor, parentId: number | null | undefined): Promise<AgencyRow | null> {
  if (parentId === null || parentId === undefined) {
    if (actor.principal.role !== 'admin') fail('FORBIDDEN', 'only an admin may create or move a top-level agency; give parentId')
    return null
  }
  return (await agencyRepository.findById(db, actor.scope, parentId)) ??
    fail('AGENCY_OUT_OF_SCOPE', `parent agency ${parentId} not found`, { errors: [{ in: 'body', pointer: '/parentId', detail: 'not found in your scope' }] })
}

export function agenciesService ({ store, clock, config }: ServiceContext) {
  const today = () => shanghaiDate(clock())
  const view = async (db: Db, row: AgencyRow) => present(row, (await agencyRepository.confirmedYears(db, [row.id])).get(row.id) ?? [], today(), config.CONFIRMATION_GRACE_UNTIL)
  const load = async (db: Db, actor: Actor, id: number) => (await agencyRepository.findById(db, actor.scope, id)) ?? fail('NOT_FOUND', `agency ${id} not found`)

  return {
    /** Registers an agency; USCC_INVALID, USCC_TAKEN, AGENCY_OUT_OF_SCOPE, FORBIDDEN. */
    async create (actor: Actor, input: AgencyInput): Promise<AgencyView> {
      return await store.write(async (db) => {
        const uscc = await validUscc(db, input.uscc, null)
        const parent = await parentFor(db, actor, input.parentId)
        const at = clock()
        // Created when the service's clock says (as updatedAt is), not when SQLite's does.
        const row = await agencyRepository.insert(db, { ...input, uscc, parentId: parent?.id ?? null, path: '', createdAt: at.toISOString() })
        const placed = (await agencyRepository.setPath(db, row.id, childPath(parent?.path ?? '', row.id))) ?? row
        await appendAudit(db, actor, at, { entity: 'agency', entityId: row.id, action: 'create', agencyId: row.id, after: placed })
        return await view(db, placed)
      })
    },

    get: async (actor: Actor, id: number): Promise<AgencyView> => await store.read(async (db) => await view(db, await load(db, actor, id))),

    async list (actor: Actor, filter: AgencyFilter, afterId: number, limit: number) {
      const { rows, years } = await store.read(async (db) => {
        const rows = await agencyRepository.list(db, actor.scope, filter, afterId, limit)
        return { rows, years: await agencyRepository.confirmedYears(db, rows.map((r) => r.id)) }
      })
      const day = today()
      return rows.map((r) => ({ ...present(r, years.get(r.id) ?? [], day, config.CONFIRMATION_GRACE_UNTIL), id: r.id }))
    },

    /** Changes an agency; a new name or kind asks for 重新确认 (reconfirmationDue until a
     *  confirmation is recorded). NOT_FOUND, PRECONDITION_FAILED, USCC_*, AGENCY_PARENT_CYCLE,
     *  AGENCY_OUT_OF_SCOPE. */
    async update (actor: Actor, id: number, expectedVersion: ExpectedVersion, patch: Partial<AgencyInput>): Promise<AgencyView> {
      return await store.write(async (db) => {
        const before = await load(db, actor, id)
        assertVersion(before.version, expectedVersion)
        const changes: Partial<AgencyRow> = { ...patch, updatedAt: clock().toISOString() }
        if (before.reconfirmationDueSince === null && reconfirmationNeeded(before, patch)) changes.reconfirmationDueSince = today()
        if (patch.uscc !== undefined) changes.uscc = await validUscc(db, patch.uscc, id)
        if (patch.parentId !== undefined && patch.parentId !== before.parentId) {
          const parent = await parentFor(db, actor, patch.parentId)
          if (parent && createsCycle(before.path, parent.path)) {
            fail('AGENCY_PARENT_CYCLE', `agency ${parent.id} is ${id} itself or lies below it`, { errors: [{ in: 'body', pointer: '/parentId', detail: 'itself or below it' }] })
          }
          const newPath = childPath(parent?.path ?? '', id)
          await agencyRepository.rebaseSubtree(db, before.path, newPath)
        }
        const after = (await agencyRepository.update(db, id, changes)) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'agency', entityId: id, action: 'update', agencyId: id, before, after })
        return await view(db, after)
      })
    },

    /** Records the yearly confirmation (公告), or 重新确认 (kind 'reconfirmation') for a year
     *  already confirmed when a change asked for it; either clears reconfirmationDue when it
     *  answers it (answersReconfirmation: announced since, for that year or later). NOT_FOUND,
     *  AGENCY_NOT_ACTIVE, CONFIRMATION_EXISTS (the year is confirmed and nothing changed since),
     *  DATE_IN_FUTURE (announced after today), DATE_OUT_OF_RANGE (before 1949-10-01, or for a
     *  year after next: a confirmation may be announced ahead for the coming year only). */
    async confirm (actor: Actor, id: number, input: { year: number, announcementNo: string, date: string }) {
      return await store.write(async (db) => {
        const today = shanghaiDate(clock())
        assertPlausibleYear('year', input.year, 'planned', today)
        assertPlausibleDate('date', input.date, 'happened', today)
        const agency = await load(db, actor, id)
        if (agency.status !== 'active') fail('AGENCY_NOT_ACTIVE', `agency ${id} is ${agency.status}`)
        const again = await agencyRepository.isConfirmed(db, id, input.year)
        const answers = agency.reconfirmationDueSince !== null && answersReconfirmation(agency.reconfirmationDueSince, input)
        if (again && !answers) fail('CONFIRMATION_EXISTS', `agency ${id} is already confirmed for ${input.year}`, { errors: [{ in: 'body', pointer: '/year', detail: 'confirmed already' }] })
        const row = await agencyRepository.insertConfirmation(db, { agencyId: id, ...input, kind: again ? 'reconfirmation' : 'yearly', createdAt: clock().toISOString() })
        if (answers) await agencyRepository.update(db, id, { reconfirmationDueSince: null, updatedAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'agency', entityId: id, action: again ? 'reconfirm' : 'confirm', agencyId: id, after: row })
        return row
      })
    },

    async listConfirmations (actor: Actor, id: number, afterId: number, limit: number) {
      return await store.read(async (db) => {
        await load(db, actor, id)
        return await agencyRepository.listConfirmations(db, id, afterId, limit)
      })
    },

    /** Merger or dissolution: the agency stops issuing, and its live certificates are listed
     *  for reissue (换发) by the successor. NOT_FOUND, AGENCY_NOT_ACTIVE, SUCCESSOR_REQUIRED,
     *  DATE_IN_FUTURE or DATE_OUT_OF_RANGE (it takes effect when recorded: dated by today, not
     *  before 1949-10-01). */
    async end (actor: Actor, id: number, how: 'merged' | 'dissolved', input: EndInput) {
      return await store.write(async (db) => {
        assertPlausibleDate('date', input.date, 'happened', shanghaiDate(clock()))
        const before = await load(db, actor, id)
        if (before.status !== 'active') fail('AGENCY_NOT_ACTIVE', `agency ${id} is already ${before.status}`)
        const successorId = input.successorId ?? null
        const successorError = (detail: string) => ({ errors: [{ in: 'body', pointer: '/successorId', detail }] })
        if (how === 'merged' && successorId === null) fail('SUCCESSOR_REQUIRED', 'a merger names the agency it merges into (successorId)', successorError('required for a merger'))
        const successor = successorId === null ? null : (await agencyRepository.findById(db, actor.scope, successorId)) ?? fail('NOT_FOUND', `agency ${successorId} not found`, successorError('not found in your scope'))
        if (successor !== null && (successor.id === id || successor.status !== 'active')) fail('SUCCESSOR_REQUIRED', 'the successor must be another active agency', successorError('not another active agency'))
        const after = (await agencyRepository.update(db, id, { status: how, successorId, endedOn: input.date, updatedAt: clock().toISOString() })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), { entity: 'agency', entityId: id, action: how === 'merged' ? 'merge' : 'dissolve', agencyId: id, before, after: { ...after, reason: input.reason } })
        // A merger into the successor changes what it is: 重新确认 (002 item 6: 合并).
        if (successor !== null && mergerAsksReconfirmation(how, successor)) {
          const marked = await agencyRepository.update(db, successor.id, { reconfirmationDueSince: today(), updatedAt: clock().toISOString() })
          await appendAudit(db, actor, clock(), { entity: 'agency', entityId: successor.id, action: 'reconfirmation_due', agencyId: successor.id, before: successor, after: marked })
        }
        return { agency: await view(db, after), certificatesToReissue: await agencyRepository.liveCertificates(db, id, shanghaiDate(clock())) }
      })
    },

    /** Rule 4 for one agency in scope; NOT_FOUND. */
    async staffing (actor: Actor, id: number) {
      const { agency, counts } = await store.read(async (db) => {
        const agency = await load(db, actor, id)
        return { agency, counts: (await agencyRepository.staffingCounts(db, [id], shanghaiDate(clock()))).get(id) ?? NO_STAFF }
      })
      return { agencyId: id, agencyName: agency.name, ...evaluateStaffing(counts) }
    }
  }
}

export type AgenciesService = ReturnType<typeof agenciesService>
