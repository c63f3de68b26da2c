// Importing training attendances: each row an officer (matched on the ID number, or the
// registry id) who attended a training. Rows go through the training module's own
// recordAttendances, a call per training per transaction, so totals, audit and the change feed
// are what POST /v1/trainings/{id}/attendances does. A repeat is never counted twice.
import type { Static } from 'typebox'
import { checkIdNumber } from '../../domain/identity.js'
import { attendanceOutcome, completedBy } from '../../domain/training.js'
import { RegistryError, type ErrorCode } from '../../errors.js'
import { rowCheckOnFirstUse } from '../../http/ajv.js'
import { officerRepository } from '../officers/repository.js'
import { trainingRepository } from '../training/repository.js'
import { recordAttendances } from '../training/service.js'
import { refusal, schemaErrors, type RowError, type RowResult, type RowSpec } from './engine.js'
import { ATTENDANCE_COLUMNS, ImportAttendanceRow } from './schema.js'

type Row = Static<typeof ImportAttendanceRow>
interface Attendance { trainingId: number, officerId: number, repeatOf: number | null }

/** What a batch's rows given by officerId need, read at once: those officers (in scope) and
 *  which of them already attended each training named. */
interface Ahead {
  readonly officers: ReadonlyMap<number, { status: 'active' | 'departed', departedOn: string | null }>
  readonly attended: ReadonlyMap<number, ReadonlySet<number>>
}

const safeId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0

const rowCheck = rowCheckOnFirstUse<Row>(ImportAttendanceRow)

const REFUSED: Record<string, { code: ErrorCode, detail: string }> = {
  not_found: { code: 'NOT_FOUND', detail: 'officer not found in your scope' },
  officer_departed: { code: 'OFFICER_DEPARTED', detail: 'the officer had left by the day the training ended' }
}

export function attendanceRows (): RowSpec<Attendance, Ahead> {
  return {
    columns: ATTENDANCE_COLUMNS,
    // A whole chunk per call: one audit event per training per transaction, not per row.
    batch: 500,

    async lookAhead (db, actor, values) {
      const asked = new Set<number>()
      const byTraining = new Map<number, number[]>()
      for (const v of values) {
        if (!safeId(v.officerId) || v.idNumber !== undefined) continue
        asked.add(v.officerId)
        if (!safeId(v.trainingId)) continue
        const ids = byTraining.get(v.trainingId)
        if (ids) ids.push(v.officerId)
        else byTraining.set(v.trainingId, [v.officerId])
      }
      const attended = new Map<number, Set<number>>()
      for (const [trainingId, ids] of byTraining) attended.set(trainingId, await trainingRepository.attendedAmong(db, trainingId, ids))
      return { officers: await trainingRepository.officersByIds(db, actor.scope, [...asked]), attended }
    },

    async check (db, actor, v, row, state, today, ahead) {
      const validRow = rowCheck()
      const errors: RowError[] = validRow(v) ? [] : schemaErrors(validRow.errors)
      if ((v.idNumber === undefined) === (v.officerId === undefined)) {
        errors.push({ code: 'VALIDATION_FAILED', pointer: '/idNumber', detail: 'give idNumber or officerId, one of them / 身份证号与人员编号须且只能填写一项' })
      }
      let officerId = typeof v.officerId === 'number' ? v.officerId : 0
      if (typeof v.idNumber === 'string') {
        const id = checkIdNumber(v.idNumber, today)
        const found = id.ok ? await officerRepository.findByIdNumber(db, id.idNumber) : undefined
        if (!id.ok) errors.push({ code: 'ID_NUMBER_INVALID', pointer: '/idNumber', detail: id.reason })
        else if (!found || !await officerRepository.findById(db, actor.scope, found.id)) errors.push({ code: 'NOT_FOUND', pointer: '/idNumber', detail: 'no officer with this ID number in your scope' })
        else officerId = found.id
      }
      let completedOn = ''
      if (typeof v.trainingId === 'number' && Number.isSafeInteger(v.trainingId)) {
        const key = `training:${v.trainingId}`
        if (!state.cache.has(key)) state.cache.set(key, (await trainingRepository.findTraining(db, actor.scope, v.trainingId))?.endDate ?? null)
        const endDate = state.cache.get(key) as string | null
        if (endDate === null) errors.push({ code: 'NOT_FOUND', pointer: '/trainingId', detail: `training ${v.trainingId} not found` })
        else if (!completedBy(endDate, today)) errors.push({ code: 'TRAINING_NOT_COMPLETED', pointer: '/trainingId', detail: `training ${v.trainingId} ends on ${endDate}` })
        else completedOn = endDate
      }
      if (errors.length > 0) return { errors }
      const trainingId = v.trainingId as number
      const key = `${trainingId}:${officerId}`
      const repeatOf = state.seen.get(key) ?? null
      // What recording it does (the same rule as recordAttendances): a repeat in the file counts as attended.
      const read = v.idNumber === undefined ? ahead : undefined // read ahead for rows given by officerId; matched on the ID number: read now
      const officer = read ? read.officers.get(officerId) : await trainingRepository.officerInScope(db, actor.scope, officerId)
      const attended = repeatOf !== null || (read ? read.attended.get(trainingId)?.has(officerId) === true : await trainingRepository.hasAttended(db, trainingId, officerId))
      const outcome = attendanceOutcome(officer, attended, completedOn)
      const refused = REFUSED[outcome]
      if (refused) return { errors: [{ ...refused, pointer: typeof v.idNumber === 'string' ? '/idNumber' : '/officerId' }] }
      if (repeatOf === null) state.seen.set(key, row)
      return { input: { trainingId, officerId, repeatOf }, expect: { outcome: outcome === 'recorded' ? 'created' : 'unchanged', officerId } }
    },

    async apply (ctx, db, actor, at, rows, keepGoing) {
      const results = new Map<number, RowResult>()
      const byTraining = new Map<number, Array<{ row: number, officerId: number }>>()
      for (const { row, input } of rows) {
        if (input.repeatOf !== null) results.set(row, { row, outcome: 'unchanged', officerId: input.officerId })
        else {
          const attendees = byTraining.get(input.trainingId)
          if (attendees) attendees.push({ row, officerId: input.officerId })
          else byTraining.set(input.trainingId, [{ row, officerId: input.officerId }])
        }
      }
      for (const [trainingId, attendees] of byTraining) {
        try {
          // One call for the whole group; partial imports: in a savepoint of its own, so a
          // refused group leaves nothing behind.
          const record = async () => await recordAttendances(db, actor, at, trainingId, attendees.map((a) => a.officerId))
          const recorded = keepGoing ? await ctx.store.savepoint(db, record) : await record()
          const outcome = new Map(recorded.results.map((r) => [r.officerId, r.outcome]))
          for (const { row, officerId } of attendees) {
            const o = outcome.get(officerId)
            const refused = o === undefined ? REFUSED.not_found : REFUSED[o]
            results.set(row, refused
              ? { row, outcome: 'error', officerId, errors: [{ ...refused, pointer: '/officerId' }] }
              : { row, outcome: o === 'recorded' ? 'created' : 'unchanged', officerId })
          }
        } catch (err) {
          if (!(err instanceof RegistryError)) throw err
          for (const { row, officerId } of attendees) results.set(row, { row, outcome: 'error', officerId, errors: [refusal(err)] })
        }
        // All or nothing: a refused group may have left writes behind; nothing more builds on them.
        if (!keepGoing && attendees.some(({ row }) => results.get(row)?.outcome === 'error')) break
      }
      return rows.flatMap(({ row }) => results.get(row) ?? [])
    }
  }
}
