// 行政执法人员: registration, lookup, correction, departure and transfer.
import { checkIdNumber, maskIdNumber, maskPhone } from '../../domain/identity.js'
import { shanghaiDate } from '../../domain/dates.js'
import { servingOn } from '../../domain/training.js'
import { roleChangeRefusal, type DepartureReason } from '../../domain/certificates.js'
import { dateRefusal, joiningOrderRefusal, moveOrderRefusal, rejoiningRefusal } from '../../domain/plausible-dates.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import type { Db } from '../../db/sqlite/store.js'
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
function checkedIdNumber (db: Db, raw: string, today: string): { idNumber: string, holder: OfficerRow | undefined } {
  const check = checkIdNumber(raw, today)
  if (!check.ok) fail('ID_NUMBER_INVALID', check.reason, { errors: [{ in: 'body', pointer: '/idNumber', detail: check.reason }] })
  return { idNumber: check.idNumber, holder: officerRepository.findByIdNumber(db, check.idNumber) }
}

/** ID_NUMBER_TAKEN: another officer has it. Says which only when the caller may see them. */
function idNumberTaken (db: Db, actor: Actor, other: OfficerRow): never {
  const visible = officerRepository.findById(db, actor.scope, other.id) !== undefined
  fail('ID_NUMBER_TAKEN', visible ? `officer ${other.id} has this ID number` : 'this person is registered with another agency; ask for a transfer',
    { ...(visible ? { officerId: other.id } : {}), errors: [{ in: 'body', pointer: '/idNumber', detail: 'registered already' }] })
}

function validIdNumber (db: Db, actor: Actor, raw: string, today: string, selfId: number | null): string {
  const { idNumber, holder } = checkedIdNumber(db, raw, today)
  if (holder && holder.id !== selfId) idNumberTaken(db, actor, holder)
  return idNumber
}

/** Takes a person who has left on again at `input.agencyId` (inside the caller's transaction):
 *  the same officer, active there with the data given, exams and training history kept. The
 *  new stint begins on the joinedOn sent (else today): that day dates the rejoin move, and the
 *  days from the departure to it are a gap in which no training is credited (OFFICER_DEPARTED).
 *  The officer's joinedOn stays the day they first joined, so the years they served before
 *  leaving keep their standing (a closed year's report does not change when someone comes
 *  back). DATE_BEFORE_LAST_MOVE: joinedOn before the departure. */
function rejoin (db: Db, actor: Actor, at: Date, holder: OfficerRow, input: OfficerInput): OfficerRow {
  const from = input.joinedOn ?? shanghaiDate(at)
  const refusal = rejoiningRefusal(from, officerRepository.moveDates(db, holder.id).lastMoveOn)
  if (refusal) refuseDate('joinedOn', from, refusal)
  const after = officerRepository.update(db, holder.id, {
    ...postData(input),
    joinedOn: holder.joinedOn,
    status: 'active',
    departedOn: null,
    departureReason: null,
    updatedAt: at.toISOString()
  }) ?? fail('NOT_FOUND')
  officerRepository.insertMove(db, { officerId: holder.id, fromAgencyId: holder.agencyId, toAgencyId: input.agencyId, kind: 'rejoin', reason: 'rejoin', date: from, createdAt: at.toISOString() })
  appendAudit(db, actor, at, { entity: 'officer', entityId: holder.id, action: 'rejoin', agencyId: after.agencyId, before: holder, after })
  return after
}

export function officersService ({ store, clock }: ServiceContext) {
  const load = (db: Db, actor: Actor, id: number) => officerRepository.findById(db, actor.scope, id) ?? fail('NOT_FOUND', `officer ${id} not found`)
  const activeAgency = (db: Db, actor: Actor, agencyId: number, pointer: string) => {
    const agency = agencyRepository.findById(db, actor.scope, agencyId) ??
      fail('AGENCY_OUT_OF_SCOPE', `agency ${agencyId} not found`, { errors: [{ in: 'body', pointer, detail: 'not found in your scope' }] })
    if (agency.status !== 'active') fail('AGENCY_NOT_ACTIVE', `agency ${agencyId} is ${agency.status}`, { errors: [{ in: 'body', pointer, detail: agency.status }] })
    return agency
  }
  // A move is recorded once it has happened (DATE_IN_FUTURE otherwise: it would cancel the
  // certificates while the officer still enforces), not before 1949-10-01 (DATE_OUT_OF_RANGE),
  // and in order: not before the officer joined (DATE_BEFORE_JOINING) nor before their last
  // move (DATE_BEFORE_LAST_MOVE).
  const inOrder = (db: Db, officer: OfficerRow, date: string, at: Date, what: 'departure' | 'transfer') => {
    const today = shanghaiDate(at)
    const plausible = dateRefusal(date, 'happened', today)
    if (plausible?.code === 'DATE_IN_FUTURE') {
      fail('DATE_IN_FUTURE', `the ${what} is dated ${date}, after today (${today}): record it on the day it happens, when the certificates are cancelled / ${what === 'departure' ? '离岗' : '调动'}日期晚于今天，请于当日登记`,
        { errors: [{ in: 'body', pointer: '/date', detail: plausible.detail }] })
    }
    const refusal = plausible ?? moveOrderRefusal(date, { joinedOn: officer.joinedOn, ...officerRepository.moveDates(db, officer.id) })
    if (refusal) refuseDate('date', date, refusal)
  }
  const full = (actor: Actor, row: OfficerRow) => presentOfficer(row, { idNumber: mayRevealIdNumber(actor.principal.role), phone: true })

  return {
    /** Registers an officer; ID_NUMBER_INVALID, ID_NUMBER_TAKEN, AGENCY_OUT_OF_SCOPE, AGENCY_NOT_ACTIVE,
     *  DATE_IN_FUTURE or DATE_OUT_OF_RANGE (joinedOn after today or before 1949-10-01).
     *  A person who had left (departed, from any agency) is taken on again: the same officer,
     *  with the exams and training history, active at this agency with the data given, the new
     *  stint dated by the joinedOn sent (rule 2: a move keeps the person; see rejoin);
     *  DATE_BEFORE_LAST_MOVE when that joinedOn is before their departure. */
    register (actor: Actor, input: OfficerInput) {
      return store.write((db) => {
        const at = clock()
        const today = shanghaiDate(at)
        assertPlausibleDate('joinedOn', input.joinedOn, 'happened', today)
        const { idNumber, holder } = checkedIdNumber(db, input.idNumber, today)
        if (holder && servingOn(holder, today)) idNumberTaken(db, actor, holder)
        activeAgency(db, actor, input.agencyId, '/agencyId')
        if (holder) return full(actor, rejoin(db, actor, at, holder, input))
        const row = officerRepository.insert(db, { ...input, idNumber }, at.toISOString())
        appendAudit(db, actor, at, { entity: 'officer', entityId: row.id, action: 'create', agencyId: row.agencyId, after: row })
        return full(actor, row)
      })
    },

    get: (actor: Actor, id: number) => full(actor, load(store.db, actor, id)),

    /** Exact lookup by ID number within scope; NOT_FOUND (also when the number is malformed). */
    lookup (actor: Actor, idNumber: string) {
      const check = checkIdNumber(idNumber, shanghaiDate(clock()))
      const row = check.ok ? officerRepository.findByIdNumber(store.db, check.idNumber) : undefined
      if (!row || !officerRepository.findById(store.db, actor.scope, row.id)) fail('NOT_FOUND', 'no officer with this ID number in your scope')
      return full(actor, row)
    },

    list (actor: Actor, filter: OfficerFilter, afterId: number, limit: number) {
      return officerRepository.list(store.db, actor.scope, filter, afterId, limit)
        .map((r) => presentOfficer(r, { idNumber: false, phone: false }))
    },

    /** Corrects an officer's data; NOT_FOUND, PRECONDITION_FAILED, ID_NUMBER_*, OFFICER_AUXILIARY
     *  or OFFICER_POLICE (becoming one while holding an active or suspended card, expired or not:
     *  cancel it first), DATE_IN_FUTURE, DATE_OUT_OF_RANGE or DATE_BEFORE_JOINING (a joinedOn
     *  after today, before 1949-10-01, or after the day the officer left or first moved). */
    update (actor: Actor, id: number, expectedVersion: ExpectedVersion, patch: Partial<Omit<OfficerInput, 'agencyId'>>) {
      return store.write((db) => {
        const at = clock()
        const before = load(db, actor, id)
        assertVersion(before.version, expectedVersion)
        const today = shanghaiDate(at)
        const cards = certificateRepository.live(db, id)
        const refused = roleChangeRefusal(before, patch, cards.length > 0)
        if (refused) {
          const flag = refused === 'OFFICER_AUXILIARY' ? 'auxiliary' : 'police'
          const numbers = cards.map((c) => c.number).join(', ')
          fail(refused, `officer ${id} holds certificate ${numbers}: cancel it before marking the officer ${flag} / 该人员持有执法证件，请先注销证件`,
            { errors: [{ in: 'body', pointer: `/${flag}`, detail: `holds certificate ${numbers}` }] })
        }
        if (patch.joinedOn !== undefined && patch.joinedOn !== null) {
          assertPlausibleDate('joinedOn', patch.joinedOn, 'happened', today)
          const refusal = joiningOrderRefusal(patch.joinedOn, { departedOn: before.departedOn, ...officerRepository.moveDates(db, id) })
          if (refusal) refuseDate('joinedOn', patch.joinedOn, refusal)
        }
        const changes = { ...patch, updatedAt: at.toISOString() }
        if (patch.idNumber !== undefined) changes.idNumber = validIdNumber(db, actor, patch.idNumber, today, id)
        const after = officerRepository.update(db, id, changes) ?? fail('NOT_FOUND')
        appendAudit(db, actor, at, { entity: 'officer', entityId: id, action: 'update', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after })
        return full(actor, after)
      })
    },

    /** The officer leaves the post: departed, and in the same transaction every active or
     *  suspended certificate is cancelled with that reason and its card recall opened (rule 2).
     *  NOT_FOUND, OFFICER_DEPARTED, DATE_IN_FUTURE, DATE_OUT_OF_RANGE, DATE_BEFORE_JOINING,
     *  DATE_BEFORE_LAST_MOVE. */
    depart (actor: Actor, id: number, input: { reason: DepartureReason, date: string, note?: string | undefined }) {
      return store.write((db) => {
        const at = clock()
        const before = load(db, actor, id)
        if (before.status === 'departed') fail('OFFICER_DEPARTED', `officer ${id} left on ${before.departedOn ?? '?'}`)
        inOrder(db, before, input.date, at, 'departure')
        const cancelled = cancelLiveCertificates(db, actor, at, id, `departure:${input.reason}`)
        const after = officerRepository.update(db, id, { status: 'departed', departedOn: input.date, departureReason: input.reason, updatedAt: at.toISOString() }) ?? fail('NOT_FOUND')
        officerRepository.insertMove(db, { officerId: id, fromAgencyId: before.agencyId, kind: 'departure', reason: input.reason, date: input.date, createdAt: at.toISOString() })
        appendAudit(db, actor, at, { entity: 'officer', entityId: id, action: 'depart', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after: { ...after, note: input.note } })
        return { officer: full(actor, after), cancelled }
      })
    },

    /** Moves the person to another agency: the old agency's certificates are cancelled (and
     *  recalled) in the same transaction; the person, exams and training history stay.
     *  NOT_FOUND, OFFICER_DEPARTED, SAME_AGENCY, DATE_IN_FUTURE, DATE_OUT_OF_RANGE,
     *  DATE_BEFORE_JOINING, DATE_BEFORE_LAST_MOVE, AGENCY_OUT_OF_SCOPE, AGENCY_NOT_ACTIVE. */
    transfer (actor: Actor, id: number, input: { toAgencyId: number, date: string, note?: string | undefined }) {
      return store.write((db) => {
        const at = clock()
        const before = load(db, actor, id)
        if (before.status === 'departed') fail('OFFICER_DEPARTED', `officer ${id} has left`)
        if (input.toAgencyId === before.agencyId) fail('SAME_AGENCY', 'the officer already serves at that agency')
        inOrder(db, before, input.date, at, 'transfer')
        activeAgency(db, actor, input.toAgencyId, '/toAgencyId')
        const cancelled = cancelLiveCertificates(db, actor, at, id, 'transfer', before.agencyId)
        const after = officerRepository.update(db, id, { agencyId: input.toAgencyId, updatedAt: at.toISOString() }) ?? fail('NOT_FOUND')
        officerRepository.insertMove(db, { officerId: id, fromAgencyId: before.agencyId, toAgencyId: input.toAgencyId, kind: 'transfer', reason: 'transfer', date: input.date, createdAt: at.toISOString() })
        appendAudit(db, actor, at, {
          entity: 'officer', entityId: id, action: 'transfer', agencyId: after.agencyId, priorAgencyId: before.agencyId, before, after: { ...after, note: input.note }, movedOn: input.date
        })
        return { officer: full(actor, after), cancelled }
      })
    }
  }
}

export type OfficersService = ReturnType<typeof officersService>
