// 资格考试: exam sessions and results: the service and its routes (SQL in repository.ts, the
// pass rule in domain/exams.ts).
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../../db/open.js'
import { shanghaiDate } from '../../domain/dates.js'
import { examHeldBy, examOutcome } from '../../domain/exams.js'
import { fail } from '../../errors.js'
import { created, withFixedEtag } from '../../http/concurrency.js'
import { pageRequest, toPage } from '../../http/pagination.js'
import { Body, Id, IdParams, IsoDate, Page, PageQuery, Query, Text, Timestamp, problems, components, PLACEHOLDER, withExample } from '../../http/schemas.js'
import { ACCESS, type Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate } from '../date-checks.js'
import { officerRepository } from '../officers/repository.js'
import { examRepository } from './repository.js'

const Exam = Type.Object({ id: Id, name: Type.String(), date: IsoDate(), passMark: Type.Integer(), createdAt: Timestamp })
const Result = Type.Object({ id: Id, examId: Id, officerId: Id, score: Type.Integer(), passed: Type.Boolean(), createdAt: Timestamp })
components({ Exam, ExamResult: Result })

export function examsService ({ store, config, clock }: ServiceContext) {
  const load = (db: Db, id: number) => examRepository.findById(db, id) ?? fail('NOT_FOUND', `exam ${id} not found`)
  return {
    /** Creates an exam session; DATE_OUT_OF_RANGE (dated before 1949-10-01, or after the end of
     *  next year: sessions are planned in a year's plan, at most next year's). */
    create (actor: Actor, input: { name: string, date: string, passMark?: number | undefined }) {
      return store.write((db) => {
        assertPlausibleDate('date', input.date, 'planned', shanghaiDate(clock()))
        const row = examRepository.insert(db, { ...input, passMark: input.passMark ?? config.EXAM_PASS_MARK })
        appendAudit(db, actor, clock(), { entity: 'exam', entityId: row.id, action: 'create', agencyId: null, after: row })
        return row
      })
    },
    list: (afterId: number, limit: number) => examRepository.list(store.db, afterId, limit + 1),
    get: (id: number) => load(store.db, id),

    /** Records one officer's result; NOT_FOUND (exam or officer in scope), EXAM_NOT_HELD (the
     *  exam's date is after today), EXAM_RESULT_EXISTS, VALIDATION_FAILED (a stated outcome the
     *  score contradicts). */
    recordResult (actor: Actor, examId: number, input: { officerId: number, score: number, passed?: boolean | undefined }) {
      return store.write((db) => {
        const exam = load(db, examId)
        const today = shanghaiDate(clock())
        if (!examHeldBy(exam.date, today)) fail('EXAM_NOT_HELD', `exam ${examId} is on ${exam.date}: results can be recorded from that day / 考试于 ${exam.date} 举行，届时方可登记成绩`)
        const officer = officerRepository.findById(db, actor.scope, input.officerId) ??
          fail('NOT_FOUND', `officer ${input.officerId} not found`, { errors: [{ in: 'body', pointer: '/officerId', detail: 'not found in your scope' }] })
        const existing = examRepository.findResult(db, examId, input.officerId)
        if (existing) fail('EXAM_RESULT_EXISTS', `result ${existing.id} already recorded`, { resultId: existing.id })
        const outcome = examOutcome(input.score, exam.passMark, input.passed)
        if (!outcome.ok) fail('VALIDATION_FAILED', outcome.reason, { errors: [{ in: 'body', pointer: '/passed', detail: 'contradicts score / 与分数不符' }] })
        const row = examRepository.insertResult(db, { examId, officerId: input.officerId, score: input.score, passed: outcome.passed })
        appendAudit(db, actor, clock(), { entity: 'exam_result', entityId: row.id, action: 'create', agencyId: officer.agencyId, after: row })
        return row
      })
    },

    /** Results of an exam for officers in the caller's scope. */
    results (actor: Actor, examId: number, afterId: number, limit: number) {
      load(store.db, examId)
      return examRepository.results(store.db, actor.scope, examId, afterId, limit + 1)
    }
  }
}
export type ExamsService = ReturnType<typeof examsService>

export const examRoutes: FastifyPluginAsyncTypebox<{ exams: ExamsService }> = async (app, { exams: svc }) => {
  const tags = ['exams']
  app.post('/v1/exams', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'createExam',
      summary: '创建考试场次 Create an exam session',
      description: '行政执法资格考试场次（通常每年两次）。及格线默认取配置值。A qualification exam session (usually two a year); the pass mark defaults to the configured one.',
      body: withExample(Body({
        name: Text({ maxLength: 200, description: '名称, e.g. 2026年上半年行政执法资格考试' }),
        date: IsoDate('考试日期 exam date'),
        passMark: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: '及格分 pass mark' }))
      }), { name: '2026年下半年行政执法资格考试', date: PLACEHOLDER.date, passMark: 60 }),
      response: { 201: Exam, ...problems(422) }
    }
  }, async (req, reply) => created(reply, '/v1/exams', svc.create(req.actor, req.body)))

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
  }, async (req) => {
    const page = pageRequest(req.query)
    return toPage(svc.list(page.afterId, page.limit), page.limit, (e) => e)
  })

  app.get('/v1/exams/:id', {
    config: { access: ACCESS.read },
    schema: { tags, operationId: 'getExam', summary: '查看考试场次 Get an exam session', description: '按编号读取。Reads one session.', params: IdParams, response: { 200: Exam, ...problems(404) } }
  }, async (req, reply) => withFixedEtag(reply, svc.get(req.params.id)))

  app.post('/v1/exams/:id/results', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'recordExamResult',
      summary: '登记考试成绩 Record a result',
      description: '登记一名人员的成绩；是否通过由分数与及格线决定，如填写 passed 须与之一致。Records one officer\'s score; passed follows from the pass mark and, when sent, must agree.',
      params: IdParams,
      body: withExample(Body({
        officerId: Id,
        score: Type.Integer({ minimum: 0, maximum: 100, description: '分数 score' }),
        passed: Type.Optional(Type.Boolean({ description: '是否通过 passed (checked against the score)' }))
      }), { officerId: PLACEHOLDER.id, score: 86 }),
      response: { 201: Result, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => reply.code(201).send(svc.recordResult(req.actor, req.params.id, req.body)))

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
  }, async (req) => {
    const page = pageRequest(req.query)
    return toPage(svc.results(req.actor, req.params.id, page.afterId, page.limit), page.limit, (r) => r)
  })
}
