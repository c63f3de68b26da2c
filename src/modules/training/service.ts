// 学时 (rule 3): trainings, bulk attendances, external records and the yearly summary.
// Every figure is exact integer units (1/90 学时); each record keeps the figure as given and
// the rule applied, and the officer-year totals move in the same transaction as the record.
import { evaluateTraining, notApplicable, ruleForYear, type Buckets } from '../../domain/compliance.js'
import { compareDates, shanghaiDate, yearOf } from '../../domain/dates.js'
import { recordUnits, unitsToHours, UNITS_PER_HOUR, UNITS_PER_MINUTE, type RecordDuration } from '../../domain/hours.js'
import { attendanceOutcome, completedBy, creditableOn, evaluationPeriod, explainConversion, inTrainingScopeFor, type AttendanceOutcome } from '../../domain/training.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, assertPlausibleYear } from '../date-checks.js'
import { officerRepository } from '../officers/repository.js'
import {
  trainingRepository, type Category, type RecordFilter, type RecordWithTraining, type TrainingFilter, type TrainingRow
} from './repository.js'

export interface TrainingInput extends RecordDuration {
  title: string
  category: Category
  startDate: string
  endDate: string
  mode: TrainingRow['mode']
  provider: string
  agencyId?: number | null | undefined
  /** Another name for agencyId (issue 23); FIELDS_DISAGREE when both are given and differ. */
  organizerAgencyId?: number | null | undefined
}

export interface ExternalRecordInput extends RecordDuration {
  officerId: number
  category: Category
  date: string
  evidence: string
  title?: string | undefined
  provider?: string | undefined
}

export interface AttendanceResult {
  trainingId: number
  recorded: number
  alreadyRecorded: number
  rejected: number
  results: Array<{ officerId: number, outcome: AttendanceOutcome, recordId?: number }>
}

// One record of more than 1000 学时 is a typing error, not a course.
const MAX_UNITS = 1000 * UNITS_PER_HOUR

/** The exact units of hours-or-minutes with the raw figure kept as given; HOURS_OR_MINUTES,
 *  VALIDATION_FAILED (malformed, zero or over 1000 学时). */
function duration (d: RecordDuration) {
  const r = recordUnits(d)
  if (!r.ok) {
    fail(r.code, r.reason, r.field === null ? undefined : { errors: [{ in: 'body', pointer: `/${r.field}`, detail: r.reason }] })
  }
  if (r.units === 0 || r.units > MAX_UNITS) {
    const pointer = r.rule === 'hours' ? '/hours' : '/minutes'
    const detail = r.units === 0 ? 'must be more than 0' : 'at most 1000 学时 (45000 minutes)'
    fail('VALIDATION_FAILED', `${pointer.slice(1)}: ${detail}`, { errors: [{ in: 'body', pointer, detail }] })
  }
  const rawHours = r.rule === 'hours' ? String(d.hours).trim() : null
  return { rule: r.rule, units: r.units, rawHours, rawMinutes: r.rule === 'minutes_45' ? d.minutes ?? null : null }
}

const conversionOf = (row: { rawHours: string | null, rawMinutes: number | null, rule: TrainingRow['rule'], units: number }) => ({
  hours: row.rawHours === null ? null : Number(row.rawHours),
  minutes: row.rawMinutes,
  rule: row.rule,
  units: row.units,
  creditHours: unitsToHours(row.units)
})

export function presentTraining (row: TrainingRow) {
  const { rawHours: _h, rawMinutes: _m, ...rest } = row
  return { ...rest, organizerAgencyId: row.agencyId, ...conversionOf(row) }
}

export function presentRecord ({ record: r, trainingTitle, trainingProvider }: RecordWithTraining) {
  return {
    id: r.id,
    officerId: r.officerId,
    source: r.trainingId === null ? 'external' as const : 'training' as const,
    trainingId: r.trainingId,
    category: r.category,
    ...conversionOf(r),
    explanation: explainConversion(r),
    date: r.date,
    year: r.year,
    title: r.title ?? trainingTitle,
    provider: r.provider ?? trainingProvider,
    evidence: r.evidence,
    createdAt: r.createdAt
  }
}

const hoursPair = (b: Buckets) => ({
  publicLawHours: unitsToHours(b.publicLaw),
  professionalHours: unitsToHours(b.professional),
  publicLawUnits: b.publicLaw,
  professionalUnits: b.professional
})

/**
 * Records attendances of one training inside the caller's write transaction: one result per
 * id in request order (recorded, already_recorded, not_found, officer_departed); a repeat is
 * never stored twice. Reusable by bulk imports. NOT_FOUND when the training is not visible,
 * TRAINING_NOT_COMPLETED before the day it ends.
 */
const sumUnits = (records: ReadonlyArray<{ category: string, units: number }>, category: 'public_law' | 'professional') =>
  records.reduce((n, r) => (r.category === category ? n + r.units : n), 0)

const notCompleted = (endDate: string) => `the training ends on ${endDate}: its 学时 are recorded from that day / 培训于 ${endDate} 结束，届时方可登记学时`

export async function recordAttendances (db: Db, actor: Actor, at: Date, trainingId: number, officerIds: readonly number[]): Promise<AttendanceResult> {
  const training = (await trainingRepository.findTraining(db, actor.scope, trainingId)) ?? fail('NOT_FOUND', `training ${trainingId} not found`)
  if (!completedBy(training.endDate, shanghaiDate(at))) fail('TRAINING_NOT_COMPLETED', notCompleted(training.endDate))
  const unique = [...new Set(officerIds)]
  const found = await trainingRepository.officersByIds(db, actor.scope, unique)
  const attended = await trainingRepository.attendedAmong(db, trainingId, unique)
  const outcomes = officerIds.map((officerId) => {
    const outcome = attendanceOutcome(found.get(officerId), attended.has(officerId), training.endDate)
    if (outcome === 'recorded') attended.add(officerId) // a repeat later in the request is already_recorded
    return { officerId, outcome }
  })
  const recorded = outcomes.filter((r) => r.outcome === 'recorded').map((r) => r.officerId)
  const recordIds = await trainingRepository.insertAttendances(db, training, recorded, at.toISOString())
  let next = 0
  const results = outcomes.map((r) => (r.outcome === 'recorded' ? { ...r, recordId: recordIds[next++] as number } : r))
  if (recorded.length > 0) {
    await appendAudit(db, actor, at, {
      entity: 'training',
      entityId: trainingId,
      action: 'record_attendances',
      agencyId: training.agencyId,
      after: { year: training.year, category: training.category, units: training.units, officerIds: recorded },
      // Each officer's event goes to their agency.
      officerAgencies: new Map(recorded.flatMap((id) => { const o = found.get(id); return o ? [[id, o.agencyId] as const] : [] }))
    })
  }
  const alreadyRecorded = outcomes.filter((r) => r.outcome === 'already_recorded').length
  return { trainingId, recorded: recorded.length, alreadyRecorded, rejected: outcomes.length - recorded.length - alreadyRecorded, results }
}

/** The organiser a create names: agencyId or organizerAgencyId (undefined: neither); FIELDS_DISAGREE
 *  when both are given and differ. */
function organiserGiven ({ agencyId, organizerAgencyId }: Pick<TrainingInput, 'agencyId' | 'organizerAgencyId'>): number | null | undefined {
  if (agencyId !== undefined && organizerAgencyId !== undefined && agencyId !== organizerAgencyId) {
    const detail = `organizerAgencyId ${String(organizerAgencyId)} differs from agencyId ${String(agencyId)}: they name the same organiser, give one / 组织单位与 agencyId 不一致`
    fail('FIELDS_DISAGREE', detail, { errors: [{ in: 'body', pointer: '/organizerAgencyId', detail }] })
  }
  return agencyId !== undefined ? agencyId : organizerAgencyId
}

export function trainingService ({ store, clock, config }: ServiceContext) {
  // The organiser: the one given (in scope), else the caller's own agency; null (open to all) is for admins only.
  const organiser = async (db: Db, actor: Actor, agencyId: number | null | undefined): Promise<number | null> => {
    if (agencyId === undefined) return actor.scope.all ? null : actor.scope.rootAgencyId
    if (agencyId === null) {
      if (!actor.scope.all) fail('FORBIDDEN', 'only an admin may create a training open to every agency; give agencyId')
      return null
    }
    const agency = (await agencyRepository.findById(db, actor.scope, agencyId)) ??
      fail('AGENCY_OUT_OF_SCOPE', `agency ${agencyId} not found`, { errors: [{ in: 'body', pointer: '/agencyId', detail: 'not found in your scope' }] })
    return agency.id
  }

  return {
    /** Creates a training; HOURS_OR_MINUTES, VALIDATION_FAILED, DATE_OUT_OF_RANGE (a day before
     *  1949-10-01 or after the end of next year: trainings are planned in a year's plan, at most
     *  next year's), DATE_RANGE_INVALID, AGENCY_OUT_OF_SCOPE, FORBIDDEN. */
    async createTraining (actor: Actor, input: TrainingInput) {
      const credit = duration(input)
      const today = shanghaiDate(clock())
      assertPlausibleDate('startDate', input.startDate, 'planned', today)
      assertPlausibleDate('endDate', input.endDate, 'planned', today)
      if (compareDates(input.endDate, input.startDate) < 0) fail('DATE_RANGE_INVALID', `endDate ${input.endDate} is before startDate ${input.startDate}`)
      return await store.write(async (db) => {
        const row = await trainingRepository.insertTraining(db, {
          title: input.title,
          category: input.category,
          ...credit,
          startDate: input.startDate,
          endDate: input.endDate,
          year: yearOf(input.endDate),
          mode: input.mode,
          provider: input.provider,
          agencyId: await organiser(db, actor, organiserGiven(input)),
          createdAt: clock().toISOString()
        })
        await appendAudit(db, actor, clock(), { entity: 'training', entityId: row.id, action: 'create', agencyId: row.agencyId, after: row })
        return presentTraining(row)
      })
    },

    /** NOT_FOUND unless the training is open to all or organised in scope. */
    getTraining: async (actor: Actor, id: number) =>
      presentTraining((await store.read(async (db) => await trainingRepository.findTraining(db, actor.scope, id))) ?? fail('NOT_FOUND', `training ${id} not found`)),

    listTrainings: async (actor: Actor, filter: TrainingFilter, afterId: number, limit: number) =>
      (await store.read(async (db) => await trainingRepository.listTrainings(db, actor.scope, filter, afterId, limit))).map(presentTraining),

    /** Records many attendances in one transaction; see recordAttendances. */
    recordAttendances: async (actor: Actor, trainingId: number, officerIds: readonly number[]) =>
      await store.write(async (db) => await recordAttendances(db, actor, clock(), trainingId, officerIds)),

    /** The attendees in scope; NOT_FOUND when the training is not visible. */
    listAttendees: async (actor: Actor, trainingId: number, afterId: number, limit: number) => await store.read(async (db) => {
      (await trainingRepository.findTraining(db, actor.scope, trainingId)) ?? fail('NOT_FOUND', `training ${trainingId} not found`)
      return (await trainingRepository.attendees(db, actor.scope, trainingId, afterId, limit))
        .map(({ id, ...rest }) => ({ id, recordId: id, ...rest }))
    }),

    /** Records an officer's external training; HOURS_OR_MINUTES, VALIDATION_FAILED, NOT_FOUND,
     *  OFFICER_DEPARTED, TRAINING_NOT_COMPLETED (dated after today), DATE_OUT_OF_RANGE (before
     *  1949-10-01). */
    async recordExternal (actor: Actor, input: ExternalRecordInput) {
      const credit = duration(input)
      return await store.write(async (db) => {
        const today = shanghaiDate(clock())
        if (!completedBy(input.date, today)) fail('TRAINING_NOT_COMPLETED', notCompleted(input.date), { errors: [{ in: 'body', pointer: '/date', detail: 'after today' }] })
        assertPlausibleDate('date', input.date, 'happened', today)
        const officer = (await officerRepository.findById(db, actor.scope, input.officerId)) ?? fail('NOT_FOUND', `officer ${input.officerId} not found`)
        const gaps = (await trainingRepository.serviceGapsOf(db, [officer.id])).get(officer.id) ?? []
        if (!creditableOn({ ...officer, gaps }, input.date)) {
          const gap = gaps.find((g) => g.from <= input.date && input.date < g.to)
          fail('OFFICER_DEPARTED', gap
            ? `officer ${officer.id} had left on ${gap.from} and was taken on again on ${gap.to}: training on ${input.date} is not credited / 离岗期间的培训不计学时`
            : `officer ${officer.id} left on ${officer.departedOn ?? '?'}, before ${input.date}`, { errors: [{ in: 'body', pointer: '/date', detail: 'not at a post that day' }] })
        }
        const row = await trainingRepository.insertRecord(db, {
          createdAt: clock().toISOString(),
          officerId: officer.id,
          trainingId: null,
          category: input.category,
          ...credit,
          date: input.date,
          year: yearOf(input.date),
          title: input.title ?? null,
          provider: input.provider ?? null,
          evidence: input.evidence
        })
        await appendAudit(db, actor, clock(), { entity: 'training_record', entityId: row.id, action: 'create', agencyId: officer.agencyId, after: row })
        return presentRecord({ record: row, trainingTitle: null, trainingProvider: null })
      })
    },

    getRecord: async (actor: Actor, id: number) =>
      presentRecord((await store.read(async (db) => await trainingRepository.findRecord(db, actor.scope, id))) ?? fail('NOT_FOUND', `training record ${id} not found`)),

    listRecords: async (actor: Actor, filter: RecordFilter, afterId: number, limit: number) =>
      (await store.read(async (db) => await trainingRepository.listRecords(db, actor.scope, filter, afterId, limit))).map(presentRecord),

    /** The officer's standing for a year (default: the year of asOf) as of a day (default
     *  today, Asia/Shanghai), with the records behind each number: the maintained totals, or
     *  for a past day only the records completed by then (recordsCountedUpTo). NOT_FOUND,
     *  DATE_OUT_OF_RANGE (a year or asOf before 1949-10-01 or after next year). */
    async summary (actor: Actor, officerId: number, q: { year?: number | undefined, asOf?: string | undefined }) {
      const today = shanghaiDate(clock())
      assertPlausibleYear('year', q.year, 'planned', today, 'querystring')
      assertPlausibleDate('asOf', q.asOf, 'planned', today, 'querystring')
      const { officer, records, totals, year, asOf } = await store.read(async (db) => {
        const officer = (await officerRepository.findById(db, actor.scope, officerId)) ?? fail('NOT_FOUND', `officer ${officerId} not found`)
        const { year, asOf, recordsUpTo: upTo } = evaluationPeriod(q, today)
        const records = (await trainingRepository.recordsOf(db, officerId, year)).map(presentRecord)
          .filter((r) => upTo === null || completedBy(r.date, upTo))
        const totals = upTo === null
          ? (await trainingRepository.findTotals(db, officerId, year)) ?? { publicLawUnits: 0, professionalUnits: 0 }
          : { publicLawUnits: sumUnits(records, 'public_law'), professionalUnits: sumUnits(records, 'professional') }
        return { officer, records, totals, year, asOf }
      })
      const inScope = inTrainingScopeFor(officer, year, asOf, config.TRAINING_INCLUDES_POLICE)
      const rule = inScope ? ruleForYear(config.TRAINING_RULES, year) : null
      // Out of scope (rule 7): not_applicable, never compliant.
      const e = inScope ? evaluateTraining({ year, asOf, joinedOn: officer.joinedOn, ...totals, rule, atRiskFrom: config.AT_RISK_FROM }) : notApplicable(year)
      return {
        officerId,
        year,
        asOf,
        inScope,
        ...hoursPair({ publicLaw: totals.publicLawUnits, professional: totals.professionalUnits }),
        unit: { name: '1/90 学时', perHour: UNITS_PER_HOUR, perMinute: UNITS_PER_MINUTE },
        rule,
        ruleVersion: e.ruleVersion,
        required: hoursPair(e.required),
        expectedByNow: hoursPair(e.expectedByNow),
        deficits: hoursPair(e.deficits),
        compliant: e.compliant,
        status: e.status,
        records: {
          publicLaw: records.filter((r) => r.category === 'public_law'),
          professional: records.filter((r) => r.category === 'professional')
        }
      }
    }
  }
}

export type TrainingService = ReturnType<typeof trainingService>
