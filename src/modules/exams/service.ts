// 资格考试: exam sessions and results (the pass rule in domain/exams.ts).
import type { Db } from '../../db/store.js'
import { shanghaiDate } from '../../domain/dates.js'
import { examHeldBy, examOutcome } from '../../domain/exams.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import { appendAudit } from '../audit/repository.js'
import type { ServiceContext } from '../context.js'
import { assertPlausibleDate } from '../date-checks.js'
import { officerRepository } from '../officers/repository.js'
import { examRepository } from './repository.js'

export function examsService ({ store, config, clock }: ServiceContext) {
  const load = async (db: Db, id: number) => (await examRepository.findById(db, id)) ?? fail('NOT_FOUND', `exam ${id} not found`)
  return {
    /** Creates an exam session; DATE_OUT_OF_RANGE (dated before 1949-10-01, or after the end of
     *  next year: sessions are planned in a year's plan, at most next year's). */
    async create (actor: Actor, input: { name: string, date: string, passMark?: number | undefined }) {
      return await store.write(async (db) => {
        assertPlausibleDate('date', input.date, 'planned', shanghaiDate(clock()))
        const row = await examRepository.insert(db, { ...input, passMark: input.passMark ?? config.EXAM_PASS_MARK, createdAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'exam', entityId: row.id, action: 'create', agencyId: null, after: row })
        return row
      })
    },
    list: async (afterId: number, limit: number) => await store.read(async (db) => await examRepository.list(db, afterId, limit)),
    get: async (id: number) => await store.read(async (db) => await load(db, id)),

    /** Records one officer's result; NOT_FOUND (exam or officer in scope), EXAM_NOT_HELD (the
     *  exam's date is after today), EXAM_RESULT_EXISTS, VALIDATION_FAILED (a stated outcome the
     *  score contradicts). */
    async recordResult (actor: Actor, examId: number, input: { officerId: number, score: number, passed?: boolean | undefined }) {
      return await store.write(async (db) => {
        const exam = await load(db, examId)
        const today = shanghaiDate(clock())
        if (!examHeldBy(exam.date, today)) fail('EXAM_NOT_HELD', `exam ${examId} is on ${exam.date}: results can be recorded from that day / 考试于 ${exam.date} 举行，届时方可登记成绩`)
        const officer = (await officerRepository.findById(db, actor.scope, input.officerId)) ??
          fail('NOT_FOUND', `officer ${input.officerId} not found`, { errors: [{ in: 'body', pointer: '/officerId', detail: 'not found in your scope' }] })
        const existing = await examRepository.findResult(db, examId, input.officerId)
        if (existing) fail('EXAM_RESULT_EXISTS', `result ${existing.id} already recorded`, { resultId: existing.id })
        const outcome = examOutcome(input.score, exam.passMark, input.passed)
        if (!outcome.ok) fail('VALIDATION_FAILED', outcome.reason, { errors: [{ in: 'body', pointer: '/passed', detail: 'contradicts score / 与分数不符' }] })
        const row = await examRepository.insertResult(db, { examId, officerId: input.officerId, score: input.score, passed: outcome.passed, createdAt: clock().toISOString() })
        await appendAudit(db, actor, clock(), { entity: 'exam_result', entityId: row.id, action: 'create', agencyId: officer.agencyId, after: row })
        return row
      })
    },

    /** Results of an exam for officers in the caller's scope. */
    async results (actor: Actor, examId: number, afterId: number, limit: number) {
      return await store.read(async (db) => {
        await load(db, examId)
        return await examRepository.results(db, actor.scope, examId, afterId, limit)
      })
    }
  }
}
export type ExamsService = ReturnType<typeof examsService>
