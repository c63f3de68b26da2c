// /v1/assessments: 年度考核.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { paged } from '../../http/pagination.js'
import { Page, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { Assessment, AssessmentQuery, RecordAssessment } from './schema.js'
import type { AssessmentsService } from './service.js'

export const assessmentRoutes: FastifyPluginAsyncTypebox<{ assessments: AssessmentsService }> = async (app, { assessments: svc }) => {
  const tags = ['assessments']
  app.post('/v1/assessments', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'recordAssessment',
      summary: '登记年度考核 Record an annual assessment',
      description: '每名人员每年一条考核结果。One grade per officer and year.',
      body: RecordAssessment,
      response: { 201: Assessment, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => reply.code(201).send(await svc.record(req.actor, req.body)))

  app.get('/v1/assessments', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listAssessments',
      summary: '年度考核列表 List assessments',
      description: '权限范围内人员的考核结果，可按人员、年度筛选。Grades of officers in scope; filter by officer or year.',
      querystring: AssessmentQuery,
      response: { 200: Page(Assessment), ...problems() }
    }
  }, async (req) => await paged(req.query, async (after, take) => await svc.list(req.actor, req.query, after, take)))
}
