// /v1/agencies/{id}/training-plans: 年度培训计划 (003 line 52), and their report
// (/v1/reports/training-plans, report-routes.ts): trainingPlanRoutes is what the app registers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IfMatchHeaders, etagOf, expectedVersion, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { CorrectPlan, CreatePlan, PlanListQuery, PlanParams, TrainingPlan } from './schema.js'
import { planReportRoutes } from './report-routes.js'
import type { TrainingPlansService } from './service.js'

export { trainingPlansService } from './service.js'

const tags = ['training']

export const planRoutes: FastifyPluginAsyncTypebox<{ plans: TrainingPlansService }> = async (app, { plans }) => {
  app.post('/v1/agencies/:id/training-plans', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'createTrainingPlan',
      summary: '报送年度培训计划 File a yearly training plan',
      description: '每个执法主体每年一份（不少于60学时，PLAN_DUE 前报送）；重复报送 409 PLAN_EXISTS，请用 PUT 更正。' +
        ' One plan per agency and year (≥ 60 学时, due by PLAN_DUE); a second is 409 PLAN_EXISTS: correct the first with PUT.',
      params: IdParams,
      body: CreatePlan,
      response: { 201: TrainingPlan, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => {
    const plan = await plans.create(req.actor, req.params.id, req.body)
    return reply.code(201).header('location', `/v1/agencies/${plan.agencyId}/training-plans/${plan.year}`).header('etag', etagOf(plan.version)).send(plan)
  })

  app.get('/v1/agencies/:id/training-plans', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listTrainingPlans',
      summary: '年度培训计划列表 List an agency\'s training plans',
      description: '权限范围内执法主体历年报送的培训计划，按报送先后。The plans an agency in your scope has filed, in the order filed.',
      params: IdParams,
      querystring: PlanListQuery,
      response: { 200: Page(TrainingPlan), ...problems(404) }
    }
  }, async (req) => await paged(req.query, async (after, take) => await plans.list(req.actor, req.params.id, after, take)))

  app.get('/v1/agencies/:id/training-plans/:year', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getTrainingPlan',
      summary: '查看年度培训计划 Get a training plan',
      description: '某执法主体某年度的培训计划；ETag 用于更正时的 If-Match。An agency\'s plan for a year; its ETag goes in If-Match when you correct it.',
      params: PlanParams,
      response: { 200: TrainingPlan, ...problems(404) }
    }
  }, async (req, reply) => withEtag(reply, await plans.get(req.actor, req.params.id, req.params.year)))

  app.put('/v1/agencies/:id/training-plans/:year', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'correctTrainingPlan',
      summary: '更正年度培训计划 Correct a training plan',
      description: '以请求内容替换计划的学时、日期、文号和备注（未填的 approvedOn、note 置空），记入审计。须携带 If-Match（读取时的 ETag）。' +
        ' Replaces the plan\'s hours, date, 文号 and note (approvedOn and note left out become null), audited before and after. Send If-Match with the ETag you read (412 when stale, 428 when missing).',
      params: PlanParams,
      headers: IfMatchHeaders,
      body: CorrectPlan,
      response: { 200: TrainingPlan, ...problems(404, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await plans.correct(req.actor, req.params.id, req.params.year, expectedVersion(req), req.body)))
}

/** The plans' routes and their report. */
export const trainingPlanRoutes: FastifyPluginAsyncTypebox<{ plans: TrainingPlansService }> = async (app, { plans }) => {
  await app.register(planRoutes, { plans })
  await app.register(planReportRoutes, { plans })
}
