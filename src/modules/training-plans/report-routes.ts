// /v1/reports/training-plans: every agency's plan against what it delivered, and 全员轮训 coverage.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { paged, readCursor } from '../../http/pagination.js'
import { chosenFormat, reportAnswer, sendReportFile } from '../../http/report-files.js'
import { problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { PLAN_REPORT_COLUMNS, PlanReportPage, PlanReportQuery } from './report-schema.js'
import type { TrainingPlansService } from './service.js'

export const planReportRoutes: FastifyPluginAsyncTypebox<{ plans: TrainingPlansService }> = async (app, { plans }) => {
  app.get('/v1/reports/training-plans', {
    config: { access: ACCESS.read },
    schema: {
      tags: ['reports'],
      operationId: 'reportTrainingPlans',
      summary: '年度培训计划与轮训报表 Training plans, delivery and rotation report',
      description: '权限范围内（或 agencyId 及其下级）每个存续执法主体的年度培训计划及状态、本单位组织并已结束的培训学时（类别×方式）、线下公共法律知识是否不足30学时、ROTATION_CHECKPOINT 全员轮训覆盖率。csv、xlsx 为全部数据。' +
        ' Every active agency in scope (or under agencyId): its plan and status as of asOf (missing once PLAN_DUE has passed), the 学时 of trainings it organised that ended by asOf, offline public law under 30 学时, and rotation coverage at ROTATION_CHECKPOINT. json pages; csv and xlsx hold every row.',
      querystring: PlanReportQuery,
      response: {
        200: reportAnswer(PlanReportPage),
        ...problems(404, 422)
      }
    }
  }, async (req, reply) => {
    const format = chosenFormat(req, req.query.format)
    readCursor(req.query.cursor) // a cursor not ours is a 400 first, in every format
    const report = await plans.report(req.actor, req.query)
    if (format === 'json') {
      const body = await paged(req.query, report.read, ({ id: _id, ...row }) => row)
      return reply.type('application/json; charset=utf-8')
        .send({ year: report.year, asOf: report.asOf, planDue: report.planDue, rotationCheckpoint: report.rotationCheckpoint, ...body })
    }
    return sendReportFile(reply, format, `training-plans-${report.year}`, `${report.year}年度培训计划`, PLAN_REPORT_COLUMNS, report.batches())
  })
}
