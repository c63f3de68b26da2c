// How every bulk import runs, whatever its rows are: read records one by one, check each,
// apply them in transactions of at most CHUNK rows (or CHUNK_MS of work) with the event loop
// free between transactions, and answer a result per row.
//   default (all or nothing): every row is first tried in transactions that are rolled back;
//     any bad row → IMPORT_REJECTED and nothing written; else the rows are committed.
//   ?partial=true: one pass; good rows are committed, bad rows reported.
//   ?dryRun=true: the first pass only: what would happen, nothing written.
// Re-running an import is safe: rows already applied come back as unchanged.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ErrorObject } from 'ajv'
import { shanghaiDate } from '../../domain/dates.js'
import type { Db } from '../../db/open.js'
import { fail, RegistryError, type ErrorCode } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { chunked, readRecords, type ColumnSpec, type ImportFormat, type RawRecord } from './parse.js'
import { MAX_ROWS, type ROW_OUTCOMES } from './schema.js'

const CHUNK = 1000
const CHUNK_MS = 200

export type Outcome = typeof ROW_OUTCOMES[number]
export interface RowError { code: ErrorCode, pointer?: string, detail: string }
export interface RowResult { row: number, outcome: Outcome, officerId?: number, errors?: RowError[] }

export interface ImportRequest {
  readonly format: ImportFormat
  readonly body: unknown
  readonly charset?: string | undefined
  readonly partial: boolean
  readonly dryRun: boolean
}

/** What one pass over the records carries from transaction to transaction (duplicates, lookups). */
export interface PassState {
  readonly seen: Map<string, number>
  readonly cache: Map<string, unknown>
}

/** A row that passed its check (with, when the spec's check is complete, what applying it would
 *  do), or every reason it cannot be applied. */
export type Checked<I> = { input: I, expect?: Omit<RowResult, 'row'> } | { errors: RowError[] }

/** One kind of import; `L` is what it reads ahead for a batch of rows (see lookAhead). */
export interface RowSpec<I, L = undefined> {
  readonly columns: Record<string, ColumnSpec>
  /** Rows applied together (1: each in its own savepoint). */
  readonly batch: number
  /** True when apply() answers, for a created row, the id its own insert assigned: that id is
   *  left out where nothing was committed (a dry run, a rejected import), since it names nobody
   *  and may later be someone else's. */
  readonly assignsIds?: boolean
  /** True when check() finds every refusal apply() can give (on unchanged data) and says what
   *  applying would do (`expect`): then checking an import (dryRun, and the first pass of all or
   *  nothing) only reads, and the rows are applied once, when they are committed. */
  readonly checkIsComplete?: boolean
  /** Reads at once what checking the next rows needs (called before each batch, with the rows'
   *  values, unvalidated), so that check() does not read row by row. Not called when all or
   *  nothing commits rows that passed a complete check a moment before: apply() reads what it
   *  needs then, and finds any refusal the data has come to give meanwhile. */
  lookAhead? (db: Db, actor: Actor, values: ReadonlyArray<Record<string, unknown>>): L
  /** Every reason a row cannot be applied that is known before trying it; `ahead` is what
   *  lookAhead read for this row's batch (undefined: leave to apply() what it would read). */
  check (db: Db, actor: Actor, value: Record<string, unknown>, row: number, state: PassState, today: string, ahead: L | undefined): Checked<I>
  /** Applies checked rows inside the transaction: a result for each, in order. A refusal is a
   *  result (outcome error); what it throws rolls back the whole transaction. */
  apply (db: Db, actor: Actor, at: Date, rows: Array<{ row: number, input: I }>): RowResult[]
}

/** Ajv errors of one row as row errors (pointer and message, like a request's). */
export function schemaErrors (errors: ErrorObject[] | null | undefined): RowError[] {
  return (errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>
    const extra = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : null
    const pointer = (e.instancePath || '') + (extra === null ? '' : `/${extra}`)
    const detail = typeof params.additionalProperty === 'string' ? 'unknown field / 未知字段' : (e.message ?? 'invalid')
    return { code: 'VALIDATION_FAILED', pointer: pointer || '/', detail }
  })
}

/** A service's refusal as a row error. */
export function refusal (err: RegistryError): RowError {
  const pointer = (err.extra?.errors as Array<{ pointer?: string }> | undefined)?.[0]?.pointer
  return { code: err.code, ...(pointer ? { pointer } : {}), detail: err.message }
}

class Rollback extends Error {}

function valuesOf (chunk: RawRecord[], from: number, to: number): Array<Record<string, unknown>> {
  const values: Array<Record<string, unknown>> = []
  for (let i = from; i < to; i++) {
    const v = (chunk[i] as RawRecord).value
    if (v) values.push(v)
  }
  return values
}

export function importEngine ({ store, clock }: ServiceContext) {
  /** Rows from `from` on, in one transaction, until the time is up; rolled back unless `commit`.
   *  With `stopOnError` the first bad row rolls it back and stops. */
  function runChunk<I, L> (spec: RowSpec<I, L>, actor: Actor, chunk: RawRecord[], from: number, mode: { commit: boolean, stopOnError: boolean }, state: PassState) {
    const results: RowResult[] = []
    let stopped = false
    const readOnly = !mode.commit && spec.checkIsComplete === true
    const rechecking = mode.commit && mode.stopOnError && spec.checkIsComplete === true
    try {
      store.write((db) => {
        const at = clock()
        const today = shanghaiDate(at)
        const deadline = Date.now() + CHUNK_MS
        for (let i = from; i < chunk.length;) {
          const batch: Array<{ row: number, input: I }> = []
          const checked: Array<RowResult | null> = []
          const end = Math.min(i + spec.batch, chunk.length)
          const ahead = rechecking ? undefined : spec.lookAhead?.(db, actor, valuesOf(chunk, i, end))
          for (; i < end; i++) {
            const rec = chunk[i] as RawRecord
            const c: Checked<I> = rec.row > MAX_ROWS
              ? { errors: [{ code: 'VALIDATION_FAILED', detail: `beyond the ${MAX_ROWS}-row limit of one import` }] }
              : rec.value ? spec.check(db, actor, rec.value, rec.row, state, today, ahead) : { errors: [{ code: 'VALIDATION_FAILED', detail: rec.error ?? 'unreadable' }] }
            if ('errors' in c) checked.push({ row: rec.row, outcome: 'error', errors: c.errors })
            else if (readOnly) checked.push({ row: rec.row, ...(c.expect ?? { outcome: 'created' }) })
            else { batch.push({ row: rec.row, input: c.input }); checked.push(null) }
          }
          const applied = batch.length > 0 ? spec.apply(db, actor, at, batch) : []
          let next = 0
          const done = checked.map((r) => r ?? applied[next++] as RowResult)
          const firstError = done.findIndex((r) => r.outcome === 'error')
          if (mode.stopOnError && firstError !== -1) {
            results.push(done[firstError] as RowResult)
            stopped = true
            throw new Rollback()
          }
          results.push(...done)
          if (Date.now() >= deadline) break
        }
        if (!mode.commit) throw new Rollback()
      })
    } catch (err) {
      if (!(err instanceof Rollback)) throw err
    }
    return { results, stopped }
  }

  /** One pass over the records, chunk by chunk. */
  async function pass<I, L> (spec: RowSpec<I, L>, actor: Actor, chunks: AsyncIterable<RawRecord[]> | Iterable<RawRecord[]>, mode: { commit: boolean, stopOnError: boolean }) {
    const state: PassState = { seen: new Map(), cache: new Map() }
    const results: RowResult[] = []
    let rows = 0
    let committedRows = 0
    let stoppedBy: RowResult | undefined
    for await (const chunk of chunks) {
      rows += chunk.length
      for (let from = 0; from < chunk.length;) {
        const r = runChunk(spec, actor, chunk, from, mode, state)
        if (r.stopped) { stoppedBy = r.results[r.results.length - 1]; break }
        results.push(...r.results)
        if (mode.commit) committedRows += r.results.filter((x) => x.outcome !== 'error').length
        from += r.results.length
        await nextTurn() // let other requests in between transactions
      }
      if (stoppedBy) break
    }
    return { results, committedRows, stoppedBy, rows }
  }

  function summary (status: 'committed' | 'validated' | 'rejected' | 'incomplete', req: ImportRequest, p: { results: RowResult[], committedRows: number, rows: number }) {
    const count = (o: Outcome) => p.results.filter((r) => r.outcome === o).length
    return {
      status,
      partial: req.partial,
      dryRun: req.dryRun,
      rows: p.rows,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('error'),
      committedRows: p.committedRows,
      results: p.results
    }
  }

  /** The results of a pass that committed nothing, as answered (see RowSpec.assignsIds). */
  function uncommitted<T extends { results: RowResult[] }> (spec: { assignsIds?: boolean }, p: T): T {
    if (spec.assignsIds !== true) return p
    return { ...p, results: p.results.map((r) => (r.outcome === 'created' ? { row: r.row, outcome: r.outcome } : r)) }
  }

  /** Runs an import; the result lists every row. VALIDATION_FAILED when the body cannot be read
   *  at all; IMPORT_REJECTED (all or nothing, with the result) when any row is bad;
   *  IMPORT_INCOMPLETE when data changed between checking and committing (re-run it). */
  return async function runImport<I, L> (spec: RowSpec<I, L>, actor: Actor, req: ImportRequest) {
    const read = () => chunked(readRecords(req.format, req.body, spec.columns, req.charset), CHUNK)
    if (req.dryRun) return summary('validated', req, uncommitted(spec, await pass(spec, actor, read(), { commit: false, stopOnError: false })))
    if (req.partial) return summary('committed', req, await pass(spec, actor, read(), { commit: true, stopOnError: false }))
    // All or nothing goes over the rows twice: they are read once (at most MAX_ROWS) and kept.
    const chunks: RawRecord[][] = []
    for await (const chunk of read()) chunks.push(chunk)
    const tried = await pass(spec, actor, chunks, { commit: false, stopOnError: false })
    const bad = tried.results.filter((r) => r.outcome === 'error').length
    if (bad > 0) {
      fail('IMPORT_REJECTED', `${bad} of ${tried.rows} rows have errors; nothing was imported (fix them, or send ?partial=true) / ${bad} 行有错误，未导入`,
        { result: summary('rejected', req, uncommitted(spec, tried)) })
    }
    const done = await pass(spec, actor, chunks, { commit: true, stopOnError: true })
    if (done.stoppedBy) {
      fail('IMPORT_INCOMPLETE', `row ${done.stoppedBy.row} failed after the check (the data changed meanwhile): ${done.committedRows} rows were committed, the rest not. Importing the same file again is safe (use a new Idempotency-Key).`,
        { result: summary('incomplete', req, { ...done, results: [...done.results, done.stoppedBy] }) })
    }
    return summary('committed', req, done)
  }
}
