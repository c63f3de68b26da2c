// 年度考核: one grade per officer and year: the service and its routes (SQL in repository.ts).
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { shanghaiDate } from '../../domain/dates.js'
import { fail } from '../../errors.js'
import { pageRequest, toPage } from '../../http/pagination.js'
import { Body, Id, Page, PageQuery, Query, StringEnum, Timestamp, problems, components, PLACEHOLDER, withExample } from '../../http/schemas.js'
import { ACCESS, type Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleYear } from '../date-checks.js'
import { officerRepository } from '../officers/repository.js'
import { assessmentRepository } from './repository.js'

const GRADES = ['excellent', 'competent', 'basically_competent', 'incompetent'] as const
const Grade = StringEnum(GRADES, { description: 'excellent 优秀 | competent 称职 | basically_competent 基本称职 | incompetent 不称职' })
const Year = Type.Integer({ minimum: 2000, maximum: 2100, description: '考核年度 year assessed' })
const Assessment = Type.Object({ id: Id, officerId: Id, year: Type.Integer(), grade: Grade, createdAt: Timestamp })
components({ Assessment })

export function assessmentsService ({ store, clock }: ServiceContext) {
  return {
    /** Records a grade; NOT_FOUND (officer in scope), ASSESSMENT_EXISTS, DATE_IN_FUTURE (a year
     *  after this one: a year is graded once it is under way or over). */
    record (actor: Actor, input: { officerId: number, year: number, grade: typeof GRADES[number] }) {
      return store.write((db) => {
        assertPlausibleYear('year', input.year, 'happened', shanghaiDate(clock()))
        const officer = officerRepository.findById(db, actor.scope, input.officerId) ??
          fail('NOT_FOUND', `officer ${input.officerId} not found`, { errors: [{ in: 'body', pointer: '/officerId', detail: 'not found in your scope' }] })
        const existing = assessmentRepository.find(db, input.officerId, input.year)
        if (existing) fail('ASSESSMENT_EXISTS', `officer ${input.officerId} was graded ${existing.grade} for ${input.year}`, { assessmentId: existing.id })
        const row = assessmentRepository.insert(db, input)
        appendAudit(db, actor, clock(), { entity: 'assessment', entityId: row.id, action: 'create', agencyId: officer.agencyId, after: row })
        return row
      })
    },
    list: (actor: Actor, f: { officerId?: number | undefined, year?: number | undefined }, afterId: number, limit: number) =>
      assessmentRepository.list(store.db, actor.scope, f, afterId, limit + 1)
  }
}
export type AssessmentsService = ReturnType<typeof assessmentsService>

export const assessmentRoutes: FastifyPluginAsyncTypebox<{ assessments: AssessmentsService }> = async (app, { assessments: svc }) => {
  const tags = ['assessments']
  app.post('/v1/assessments', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'recordAssessment',
      summary: '登记年度考核 Record an annual assessment',
      description: '每名人员每年一条考核结果。One grade per officer and year.',
      body: withExample(Body({ officerId: Id, year: Year, grade: Grade }), { officerId: PLACEHOLDER.id, year: 2025, grade: 'competent' }),
      response: { 201: Assessment, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => reply.code(201).send(svc.record(req.actor, req.body)))

  app.get('/v1/assessments', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listAssessments',
      summary: '年度考核列表 List assessments',
      description: '权限范围内人员的考核结果，可按人员、年度筛选。Grades of officers in scope; filter by officer or year.',
      querystring: Query({ ...PageQuery, officerId: Type.Optional(Id), year: Type.Optional(Year) }),
      response: { 200: Page(Assessment), ...problems() }
    }
  }, async (req) => {
    const page = pageRequest(req.query)
    return toPage(svc.list(req.actor, req.query, page.afterId, page.limit), page.limit, (a) => a)
  })
}
