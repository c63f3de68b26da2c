// 年度培训计划: one plan per agency and year (003 line 52), filed, read and corrected (If-Match,
// audited before and after). The parts are kept in exact units of 1/90 学时 (domain/hours.ts).
import { shanghaiDate } from '../../domain/dates.js'
import { unitsToHours } from '../../domain/hours.js'
import { filesPlans, meetsPlanMinimum, planTotal, planUnits, type PlanPart, type PlanUnits } from '../../domain/training-plans.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import { assertVersion, type ExpectedVersion } from '../../http/concurrency.js'
import type { Actor } from '../../security/roles.js'
import { agencyRepository } from '../agencies/repository.js'
import { appendAudit, type AuditEntry } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate, assertPlausibleYear } from '../date-checks.js'
import { planRepository, type PlanRow } from './repository.js'
import { planReportService } from './report.js'

export interface PlanInput extends Record<PlanPart, string | number> {
  approvedOn?: string | null | undefined
  document: string
  note?: string | null | undefined
}

export type PlanView = ReturnType<typeof presentPlan>

export function presentPlan (row: PlanRow) {
  const units: PlanUnits = { publicLaw: row.publicLawUnits, professional: row.professionalUnits, skills: row.skillsUnits }
  const total = planTotal(units)
  return {
    id: row.id,
    agencyId: row.agencyId,
    year: row.year,
    publicLawHours: unitsToHours(units.publicLaw),
    professionalHours: unitsToHours(units.professional),
    skillsHours: unitsToHours(units.skills),
    totalHours: unitsToHours(total),
    publicLawUnits: units.publicLaw,
    professionalUnits: units.professional,
    skillsUnits: units.skills,
    totalUnits: total,
    meetsMinimum: meetsPlanMinimum(units),
    approvedOn: row.approvedOn,
    document: row.document,
    note: row.note,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt
  }
}

/** The plan's parts in units; PLAN_HOURS_INVALID naming the first bad part. */
function unitsOf (input: PlanInput) {
  const r = planUnits(input)
  if (!r.ok) fail('PLAN_HOURS_INVALID', `${r.field}: ${r.reason}`, { errors: [{ in: 'body', pointer: `/${r.field}`, detail: r.reason }] })
  return { publicLawUnits: r.units.publicLaw, professionalUnits: r.units.professional, skillsUnits: r.units.skills }
}

const planEntry = (e: { entityId: number, action: 'create' | 'update', agencyId: number, before?: PlanRow, after: PlanRow }): AuditEntry =>
  ({ entity: 'training_plan', ...e })

export function trainingPlansService (ctx: ServiceContext) {
  const { store, clock } = ctx
  const today = () => shanghaiDate(clock())
  /** The agency in scope; NOT_FOUND otherwise. */
  const agencyOf = async (db: Db, actor: Actor, agencyId: number) =>
    (await agencyRepository.findById(db, actor.scope, agencyId)) ?? fail('NOT_FOUND', `agency ${agencyId} not found`)
  const planOf = async (db: Db, agencyId: number, year: number) =>
    (await planRepository.find(db, agencyId, year)) ?? fail('NOT_FOUND', `agency ${agencyId} has no training plan for ${year} / 该年度培训计划未报送`)

  return {
    /** Files an agency's plan for a year; NOT_FOUND (agency in scope), PLAN_EXISTS, PLAN_HOURS_INVALID,
     *  DATE_OUT_OF_RANGE (a year after next, or before 1949), DATE_IN_FUTURE (approvedOn after today). */
    async create (actor: Actor, agencyId: number, input: PlanInput & { year: number }): Promise<PlanView> {
      const units = unitsOf(input)
      assertPlausibleYear('year', input.year, 'planned', today())
      assertPlausibleDate('approvedOn', input.approvedOn, 'happened', today())
      return await store.write(async (db) => {
        const agency = await agencyOf(db, actor, agencyId)
        if (!filesPlans(agency.status)) fail('AGENCY_NOT_ACTIVE', `agency ${agency.id} is ${agency.status}; its successor files the plan / 该执法主体已${agency.status === 'merged' ? '合并' : '撤销'}，由承继主体报送`)
        const existing = await planRepository.find(db, agency.id, input.year)
        if (existing) {
          fail('PLAN_EXISTS', `agency ${agency.id} filed its ${input.year} plan (${existing.document}); correct it with PUT /v1/agencies/${agency.id}/training-plans/${input.year}`, { planId: existing.id })
        }
        const row = await planRepository.insert(db, {
          agencyId: agency.id,
          year: input.year,
          ...units,
          approvedOn: input.approvedOn ?? null,
          document: input.document,
          note: input.note ?? null,
          createdAt: clock().toISOString()
        })
        await appendAudit(db, actor, clock(), planEntry({ entityId: row.id, action: 'create', agencyId: agency.id, after: row }))
        return presentPlan(row)
      })
    },

    /** The plan of an agency in scope for a year; NOT_FOUND. */
    get: async (actor: Actor, agencyId: number, year: number): Promise<PlanView> => await store.read(async (db) => {
      const agency = await agencyOf(db, actor, agencyId)
      return presentPlan(await planOf(db, agency.id, year))
    }),

    /** An agency's plans, by id; NOT_FOUND (agency in scope). */
    list: async (actor: Actor, agencyId: number, afterId: number, limit: number): Promise<PlanView[]> => await store.read(async (db) => {
      const agency = await agencyOf(db, actor, agencyId)
      return (await planRepository.list(db, agency.id, afterId, limit)).map(presentPlan)
    }),

    /** Replaces a plan's figures, 文号 and note (approvedOn and note left out become null);
     *  NOT_FOUND, PRECONDITION_FAILED, PLAN_HOURS_INVALID, DATE_IN_FUTURE. */
    async correct (actor: Actor, agencyId: number, year: number, expected: ExpectedVersion, input: PlanInput): Promise<PlanView> {
      const units = unitsOf(input)
      assertPlausibleDate('approvedOn', input.approvedOn, 'happened', today())
      return await store.write(async (db) => {
        const agency = await agencyOf(db, actor, agencyId)
        const before = await planOf(db, agency.id, year)
        assertVersion(before.version, expected)
        const after = (await planRepository.update(db, before.id, {
          ...units,
          approvedOn: input.approvedOn ?? null,
          document: input.document,
          note: input.note ?? null,
          updatedAt: clock().toISOString()
        })) ?? fail('NOT_FOUND')
        await appendAudit(db, actor, clock(), planEntry({ entityId: before.id, action: 'update', agencyId: agency.id, before, after }))
        return presentPlan(after)
      })
    },

    report: planReportService(ctx).report
  }
}

export type TrainingPlansService = ReturnType<typeof trainingPlansService>
