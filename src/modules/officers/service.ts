// 行政执法人员: registration, lookup, correction, departure and transfer.
import { checkIdNumber, maskIdNumber, maskPhone } from '../../domain/identity.js'
import { shanghaiDate } from '../../domain/dates.js'
import { servingOn } from '../../domain/training.js'
import { roleChangeRefusal, type DepartureReason } from '../../domain/certificates.js'
import { dateRefusal, joiningOrderRefusal, moveOrderRefusal, rejoiningRefusal } from '../../domain/plausible-dates.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import { mayRevealIdNumber } from '../../security/personal-data.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import { agencyRepository } from '../agencies/repository.js'
import { cancelLiveCertificates } from '../certificates/lifecycle.js'
import { certificateRepository } from '../certificates/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, refuseDate } from '../date-checks.js'
import { officerRepository, postData, type OfficerFilter, type OfficerRow } from './repository.js'

export interface OfficerInput {
  name: string
  idNumber: string
  agencyId: number
  employeeNo?: string | null | undefined
  phone?: string | null | undefined
  joinedOn?: string | null | undefined
  auxiliary?: boolean | undefined
  police?: boolean | undefined
  legalReviewer?: boolean | undefined
  supervisor?: boolean | undefined
}

/** The officer as answered: ID number (and, in lists, phone) masked unless `reveal`. */
export function presentOfficer (row: OfficerRow, reveal: { idNumber: boolean, phone: boolean }) {
  return {
    ...row,
    idNumber: reveal.idNumber ? row.idNumber : maskIdNumber(row.idNumber),
    phone: row.phone === null || reveal.phone ? row.phone : maskPhone(row.phone)
  }
}

/** The ID number checked (ID_NUMBER_INVALID) in its canonical form, and the person already
 *  registered with it, if any. */
async function checkedIdNumber (db: Db, raw: string, today: string): Promise<{ idNumber: string, holder: OfficerRow | undefined }> {
  const check = checkIdNumber(raw, today)
  if (!check.ok) fail('ID_NUMBER_INVALID', check.reason, { errors: [{ in: 'body', pointer: '/idNumber', detail: check.reason }] })
  return { idNumber: check.idNumber, holder: await officerRepository.findByIdNumber(db, check.idNumber) }
}

/** ID_NUMBER_TAKEN: another officer has it. Says which only when the caller may see them. */
async function idNumberTaken (db: Db, actor: Actor, other: OfficerRow): Promise<never> {
  const visible = (await officerRepository.findById(db, actor.scope, other.id)) !== undefined
  fail('ID_NUMBER_TAKEN', visible ? `officer ${other.id} has this ID number` : 'this person is registered with another agency; ask for a transfer',
    { ...(visible ? { officerId: other.id } : {}), errors: [{ in: 'body', pointer: '/idNumber', detail: 'registered already' }] })
}

async function validIdNumber (db: Db, actor: Actor, raw: string, today: string, selfId: number | null): Promise<string> {
  const { idNumber, holder } = await checkedIdNumber(db, raw, today)
  if (holder && holder.id !== selfId) await idNumberTaken(db, actor, holder)
  return idNumber
}

/** Takes a person who has left on again at `input.agencyId` (inside the caller's transaction):
 *  the same officer, active there with the data given, exams and training history kept. The
 *  new stint begins on the joinedOn sent (else today): that day dates the rejoin move, and the
 *  days from the departure to it are a gap in which no training is credited (OFFICER_DEPARTED).
 *  The officer's joinedOn stays the day they first joined, so the years they served before
 *  leaving keep their standing (a closed year's report does not change when someone comes
 *  back). DATE_BEFORE_LAST_MOVE: joinedOn before the departure. */
async function rejoin (db: Db, actor: Actor, at: Date, holder: OfficerRow, input: OfficerInput): Promise<OfficerRow> {
  const from = input.joinedOn ?? shanghaiDate(at)
  const refusal = rejoiningRefusal(from, (await officerRepository.moveDates(db, holder.id)).lastMoveOn)
  if (refusal) refuseDate('joinedOn', from, refusal)
  const after = (await officerRepository.update(db, holder.id, {
    ...postData(input),
    joinedOn: holder.joinedOn,
    status: 'active',
    departedOn: null,
    departureReason: null,
    updatedAt: at.toISOString()
  })) ?? fail('NOT_FOUND')
  await officerRepository.insertMove(db, { officerId: holder.id, fromAgencyId: holder.agencyId, toAgencyId: input.agencyId, kind: 'rejoin', reason: 'rejoin', date: from, createdAt: at.toISOString() })
  await appendAudit(db, actor, at, { entity: 'officer', entityId: holder.id, action: 'rejoin', agencyId: after.agencyId, before: holder, after })
  return after
}

export function officersService ({ store, clock }: ServiceContext) {
  const load = async (db: Db, actor: Actor, id: number) => (await officerRepository.findById(db, actor.scope, id)) ?? fail('NOT_FOUND', `officer ${id} not found`)
  const activeAgency = async (db: Db, actor: Actor, agencyId: number, pointer: string) => {
    const agency = (await agencyRepository.findById(db, actor.scope, agencyId)) ??
      fail('AGENCY_OUT_OF_SCOPE', `agency ${agencyId} not found`, { errors: [{ in: 'body', pointer, detail: 'not found in your scope' }] })
    if (agency.status !== 'active') fail('AGENCY_NOT_ACTIVE', `agency ${agencyId} is ${agency.status}`, { errors: [{ in: 'body', pointer, detail: agency.status }] })
    return agency
  }
  // A move is recorded once it has happened (DATE_IN_FUTURE otherwise: it would cancel the
  // certificates while the officer still enforces), not before 1949-10-01 (DATE_OUT_OF_RANGE),
  // and in order: not before the officer joined (DATE_BEFORE_JOINING) nor before their last
  // move (DATE_BEFORE_LAST_MOVE).
  const inOrder = async (db: Db, officer: OfficerRow, date: string, at: Date, what: 'departure' | 'transfer') => {
    const today = shanghaiDate(at)
    const plausible = dateRefusal(date, 'happened', today)
    if (plausible?.code === 'DATE_IN_FUTURE') {
      fail('DATE_IN_FUTURE', `the ${what} is dated ${date}, after today (${today}): record it on the day it happens, when the certificates are cancelled / ${what === 'departure' ? '离岗' : '调动'}日期晚于今天，请于当日登记`,
        { errors: [{ in: 'body', pointer: '/date', detail: plausible.detail }] })
    }
    const refusal = plausible ?? moveOrderRefusal(date, { joinedOn: officer.joinedOn, ...(await officerRepository.moveDates(db, officer.id)) })
    if (refusal) refuseDate('date', date, refusal)
  }
  const full = (actor: Actor, row: OfficerRow) => presentOfficer(row, { idNumber: mayRevealIdNumber(actor.principal.role), phone: true })

  // The writes, in the write transaction `db` given: the service's methods below run each in one
  // of its own; `within(db)` runs them in the caller's (the officers import, a savepoint per row).
  async function register (db: Db, actor: Actor, input: OfficerInput) {
    const at = clock()
    const today = shanghaiDate(at)
    assertPlausibleDate('joinedOn', input.joinedOn, 'happened', today)
    const { idNumber, holder } = await checkedIdNumber(db, input.idNumber, today)
    if (holder && servingOn(holder, today)) await idNumberTaken(db, actor, holder)
    await activeAgency(db, actor, input.agencyId, '/agencyId')
    if (holder) return full(actor, await rejoin(db, actor, at, holder, input))
    const row = await officerRepository.insert(db, { ...input, idNumber }, at.toISOString())
    await appendAudit(db, actor, at, { entity: 'officer', entityId: row.id, action: 'create', agencyId: row.agencyId, after: row })
    return full(actor, row)
  }

  async function update (db: Db, actor: Actor, id: number, expectedVersion: ExpectedVersion, patch: Partial<Omit<OfficerInput, 'agencyId'>>) {
    const at = clock()
    const before = await load(db, actor, id)
    assertVersion(before.version, expectedVersion)
    const today = shanghaiDate(at)
    const cards = await certificateRepository.live(db, id)
    const refused = roleChangeRefusal(before, patch, cards.length > 0)
    if (refused) {
      const flag = refused === 'OFFICER_AUXILIARY' ? 'auxiliary' : 'police'
      const numbers = cards.map((c) => c.number).join(', ')
      fail(refused, `officer ${id} holds certificate ${numbers}: cancel it before marking the officer ${flag} / 该人员持有执法证件，请先注销证件`,
        { errors: [{ in: 'body', pointer: `/${flag}`, detail: `holds certificate ${numbers}` }] })
    }
    if (patch.joinedOn !== undefined && patch.joinedOn !== null) {
      assertPlausibleDate('joinedOn', patch.joinedOn, 'happened', today)
      const refusal = joiningOrderRefusal(patch.joinedOn, { departedOn: before.departedOn, ...(await officerRepository.moveDates(db, id)) })
      if (refusal) refuseDate('joinedOn', patch.joinedOn, refusal)
    }
    const changes = { ...patch, updatedAt: at.toISOString() }
    if (patch.idNumber !== undefined) changes.idNumber = await validIdNumber(db, actor, patch.idNumber, today, id)
    const after = (await officerRepository.update(db, id, changes)) ?? fail('NOT_FOUND')
    await appendAudit(db, actor, at, { entity: 'officer', entityId: id, action: 'update', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after })
    return full(actor, after)
  }

  async function depart (db: Db, actor: Actor, id: number, input: { reason: DepartureReason, date: string, note?: string | undefined }) {
    const at = clock()
    const before = await load(db, actor, id)
    if (before.status === 'departed') fail('OFFICER_DEPARTED', `officer ${id} left on ${before.departedOn ?? '?'}`)
    await inOrder(db, before, input.date, at, 'departure')
    const cancelled = await cancelLiveCertificates(db, actor, at, id, `departure:${input.reason}`)
    const after = (await officerRepository.update(db, id, { status: 'departed', departedOn: input.date, departureReason: input.reason, updatedAt: at.toISOString() })) ?? fail('NOT_FOUND')
    await officerRepository.insertMove(db, { officerId: id, fromAgencyId: before.agencyId, kind: 'departure', reason: input.reason, date: input.date, createdAt: at.toISOString() })
    await appendAudit(db, actor, at, { entity: 'officer', entityId: id, action: 'depart', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after: { ...after, note: input.note } })
    return { officer: full(actor, after), cancelled }
  }

  async function transfer (db: Db, actor: Actor, id: number, input: { toAgencyId: number, date: string, note?: string | undefined }) {
    const at = clock()
    const before = await load(db, actor, id)
    if (before.status === 'departed') fail('OFFICER_DEPARTED', `officer ${id} has left`)
    if (input.toAgencyId === before.agencyId) fail('SAME_AGENCY', 'the officer already serves at that agency')
    await inOrder(db, before, input.date, at, 'transfer')
    await activeAgency(db, actor, input.toAgencyId, '/toAgencyId')
    const cancelled = await cancelLiveCertificates(db, actor, at, id, 'transfer', before.agencyId)
    const after = (await officerRepository.update(db, id, { agencyId: input.toAgencyId, updatedAt: at.toISOString() })) ?? fail('NOT_FOUND')
    await officerRepository.insertMove(db, { officerId: id, fromAgencyId: before.agencyId, toAgencyId: input.toAgencyId, kind: 'transfer', reason: 'transfer', date: input.date, createdAt: at.toISOString() })
    await appendAudit(db, actor, at, {
      entity: 'officer', entityId: id, action: 'transfer', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after: { ...after, note: input.note }, movedOn: input.date
    })
    return { officer: full(actor, after), cancelled }
  }

  return {
    /** Registers an officer; ID_NUMBER_INVALID, ID_NUMBER_TAKEN, AGENCY_OUT_OF_SCOPE, AGENCY_NOT_ACTIVE,
     *  DATE_IN_FUTURE or DATE_OUT_OF_RANGE (joinedOn after today or before 1949-10-01).
     *  A person who had left (departed, from any agency) is taken on again: the same officer,
     *  with the exams and training history, active at this agency with the data given, the new
     *  stint dated by the joinedOn sent (rule 2: a move keeps the person; see rejoin);
     *  DATE_BEFORE_LAST_MOVE when that joinedOn is before their departure. */
    register: async (actor: Actor, input: OfficerInput) => await store.write(async (db) => await register(db, actor, input)),

    // One statement each (readOne: no transaction around it on PostgreSQL).
    get: async (actor: Actor, id: number) => full(actor, await store.readOne(async (db) => await load(db, actor, id))),

    /** Exact lookup by ID number within scope; NOT_FOUND (also when the number is malformed). */
    async lookup (actor: Actor, idNumber: string) {
      const check = checkIdNumber(idNumber, shanghaiDate(clock()))
      const row = await store.read(async (db) => {
        const found = check.ok ? await officerRepository.findByIdNumber(db, check.idNumber) : undefined
        return found && (await officerRepository.findById(db, actor.scope, found.id)) ? found : undefined
      })
      if (!row) fail('NOT_FOUND', 'no officer with this ID number in your scope')
      return full(actor, row)
    },

    async list (actor: Actor, filter: OfficerFilter, afterId: number, limit: number) {
      return (await store.readOne(async (db) => await officerRepository.list(db, actor.scope, filter, afterId, limit)))
        .map((r) => presentOfficer(r, { idNumber: false, phone: false }))
    },

    /** Corrects an officer's data; NOT_FOUND, PRECONDITION_FAILED, ID_NUMBER_*, OFFICER_AUXILIARY
     *  or OFFICER_POLICE (becoming one while holding an active or suspended card, expired or not:
     *  cancel it first), DATE_IN_FUTURE, DATE_OUT_OF_RANGE or DATE_BEFORE_JOINING (a joinedOn
     *  after today, before 1949-10-01, or after the day the officer left or first moved). */
    update: async (actor: Actor, id: number, expectedVersion: ExpectedVersion, patch: Partial<Omit<OfficerInput, 'agencyId'>>) =>
      await store.write(async (db) => await update(db, actor, id, expectedVersion, patch)),

    /** The officer leaves the post: departed, and in the same transaction every active or
     *  suspended certificate is cancelled with that reason and its card recall opened (rule 2).
     *  NOT_FOUND, OFFICER_DEPARTED, DATE_IN_FUTURE, DATE_OUT_OF_RANGE, DATE_BEFORE_JOINING,
     *  DATE_BEFORE_LAST_MOVE. */
    depart: async (actor: Actor, id: number, input: { reason: DepartureReason, date: string, note?: string | undefined }) =>
      await store.write(async (db) => await depart(db, actor, id, input)),

    /** Moves the person to another agency: the old agency's certificates are cancelled (and
     *  recalled) in the same transaction; the person, exams and training history stay.
     *  NOT_FOUND, OFFICER_DEPARTED, SAME_AGENCY, DATE_IN_FUTURE, DATE_OUT_OF_RANGE,
     *  DATE_BEFORE_JOINING, DATE_BEFORE_LAST_MOVE, AGENCY_OUT_OF_SCOPE, AGENCY_NOT_ACTIVE. */
    transfer: async (actor: Actor, id: number, input: { toAgencyId: number, date: string, note?: string | undefined }) =>
      await store.write(async (db) => await transfer(db, actor, id, input)),

    /** register, update, depart and transfer as above, run in the caller's write transaction `db`
     *  rather than one of their own (transactions do not nest: the officers import calls these
     *  inside its own). What they wrote stays unless the caller's transaction or savepoint undoes it. */
    within: (db: Db) => ({
      register: async (actor: Actor, input: OfficerInput) => await register(db, actor, input),
      update: async (actor: Actor, id: number, expectedVersion: ExpectedVersion, patch: Partial<Omit<OfficerInput, 'agencyId'>>) => await update(db, actor, id, expectedVersion, patch),
      depart: async (actor: Actor, id: number, input: { reason: DepartureReason, date: string, note?: string | undefined }) => await depart(db, actor, id, input),
      transfer: async (actor: Actor, id: number, input: { toAgencyId: number, date: string, note?: string | undefined }) => await transfer(db, actor, id, input)
    })
  }
}

export type OfficersService = ReturnType<typeof officersService>
