// 年度考核: one grade per officer and year.
import { shanghaiDate } from '../../domain/dates.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleYear } from '../date-checks.js'
import { officerRepository } from '../officers/repository.js'
import { assessmentRepository } from './repository.js'
import type { AssessmentGrade } from './schema.js'

export function assessmentsService ({ store, clock }: ServiceContext) {
  return {
    /** Records a grade; NOT_FOUND (officer in scope), ASSESSMENT_EXISTS, DATE_IN_FUTURE (a year
     *  after this one: a year is graded once it is under way or over). */
    async record (actor: Actor, input: { officerId: number, year: number, grade: AssessmentGrade }) {
      return await store.write(async (db) => {
        assertPlausibleYear('year', input.year, 'happened', shanghaiDate(clock()))
        const officer = (await officerRepository.findById(db, actor.scope, input.officerId)) ??
          fail('NOT_FOUND', `officer ${input.officerId} not found`, { errors: [{ in: 'body', pointer: '/officerId', detail: 'not found in your scope' }] })
        const existing = await assessmentRepository.find(db, input.officerId, input.year)
        if (existing) fail('ASSESSMENT_EXISTS', `officer ${input.officerId} was graded ${existing.grade} for ${input.year}`, { assessmentId: existing.id })
        const row = await assessmentRepository.insert(db, { ...input, createdAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'assessment', entityId: row.id, action: 'create', agencyId: officer.agencyId, after: row })
        return row
      })
    },
    list: async (actor: Actor, f: { officerId?: number | undefined, year?: number | undefined }, afterId: number, limit: number) =>
      await store.read(async (db) => await assessmentRepository.list(db, actor.scope, f, afterId, limit))
  }
}
export type AssessmentsService = ReturnType<typeof assessmentsService>
