// /v1/exams: 资格考试 sessions and their results.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { created, withFixedEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, PageQuery, Query, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { CreateExam, Exam, RecordResult, Result } from './schema.js'
import type { ExamsService } from './service.js'

export const examRoutes: FastifyPluginAsyncTypebox<{ exams: ExamsService }> = async (app, { exams: svc }) => {
  const tags = ['exams']
  app.post('/v1/exams', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'createExam',
      summary: '创建考试场次 Create an exam session',
      description: '行政执法资格考试场次（通常每年两次）。及格线默认取配置值。A qualification exam session (usually two a year); the pass mark defaults to the configured one.',
      body: CreateExam,
      response: { 201: Exam, ...problems(422) }
    }
  }, async (req, reply) => created(reply, '/v1/exams', await svc.create(req.actor, req.body)))

  app.get('/v1/exams', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listExams',
      summary: '考试场次列表 List exam sessions',
      description: '全部考试场次。All exam sessions.',
      querystring: Query(PageQuery),
      response: { 200: Page(Exam), ...problems() }
    }
  }, async (req) => await paged(req.query, async (after, take) => await svc.list(after, take)))

  app.get('/v1/exams/:id', {
    config: { access: ACCESS.read },
    schema: { tags, operationId: 'getExam', summary: '查看考试场次 Get an exam session', description: '按编号读取。Reads one session.', params: IdParams, response: { 200: Exam, ...problems(404) } }
  }, async (req, reply) => withFixedEtag(reply, await svc.get(req.params.id)))

  app.post('/v1/exams/:id/results', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'recordExamResult',
      summary: '登记考试成绩 Record a result',
      description: '登记一名人员的成绩；是否通过由分数与及格线决定，如填写 passed 须与之一致。Records one officer\'s score; passed follows from the pass mark and, when sent, must agree.',
      params: IdParams,
      body: RecordResult,
      response: { 201: Result, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => reply.code(201).send(await svc.recordResult(req.actor, req.params.id, req.body)))

  app.get('/v1/exams/:id/results', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listExamResults',
      summary: '考试成绩列表 List results',
      description: '本场考试中权限范围内人员的成绩。Results of officers in your scope.',
      params: IdParams,
      querystring: Query(PageQuery),
      response: { 200: Page(Result), ...problems(404) }
    }
  }, async (req) => await paged(req.query, async (after, take) => await svc.results(req.actor, req.params.id, after, take)))
}
