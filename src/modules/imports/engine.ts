// How every bulk import runs, whatever its rows are: the records are read, each row is checked
// (reading only, chunk by chunk, the event loop free between chunks), then applied, and the
// answer gives a result per row.
//   default (all or nothing): when every row passed its check, the whole file is applied in ONE
//     write transaction (Store.writeInTurns): no reader ever sees a part of it, a crash
//     leaves none of it, and a row refused while applying (the data changed since it was
//     checked) rolls everything back and is named (IMPORT_CONFLICT). Any row failing its check:
//     IMPORT_REJECTED, nothing written. Other requests are answered while it applies: it takes
//     turns with them, and their writes wait until it has committed.
//   ?partial=true: chunk by chunk, good rows committed, bad rows reported.
//   ?dryRun=true: the check only: what would happen, nothing written.
// Re-running an import is safe: rows already applied come back as unchanged.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { ErrorObject } from 'ajv'
import { shanghaiDate } from '../../domain/dates.js'
import type { Db } from '../../db/store.js'
import { fail, RegistryError, type ErrorCode } from '../../errors.js'
import { fieldErrors } from '../../http/validation-messages.js'
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { readRecords, type ColumnSpec, type ImportFormat, type RawRecord } from './parse.js'
import { MAX_ROWS, type ROW_OUTCOMES } from './schema.js'

/** Rows checked (or, with ?partial=true, committed) in one go, between two turns of the event loop. */
const CHUNK = 1000

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

/** How far an import has come (an import job shows it while it runs). */
export interface Progress {
  rows: number
  checked: number
  applied: number
}

/** What runs an import beyond its request: where it reports progress; how it may write. */
export interface ImportHooks {
  readonly progress?: Progress
  /** Called inside the all-or-nothing transaction once every row is applied, with its result:
   *  what it writes commits with the rows, or not at all (an import job's outcome). */
  readonly beforeCommit?: (db: Db, result: ImportSummary) => Promise<void>
  /** Told, once the all-or-nothing transaction committed, how long it held the write lock (ms). */
  readonly applied?: (rows: number, heldMs: number) => void
}

/** What one pass over the records carries from row to row (duplicates, lookups). */
export interface PassState {
  readonly seen: Map<string, number>
  readonly cache: Map<string, unknown>
}

/** A row that passed its check, with what applying it would do, or every reason it cannot be applied. */
export type Checked<I> = { input: I, expect: Omit<RowResult, 'row'> } | { errors: RowError[] }

/** One kind of import; `L` is what it reads ahead for a batch of rows (see lookAhead). */
export interface RowSpec<I, L = undefined> {
  readonly columns: Record<string, ColumnSpec>
  /** Rows applied together. */
  readonly batch: number
  /** True when apply() answers, for a created row, the id its own insert assigned: that id is
   *  left out where nothing was committed (a dry run, a rejected import), since it names nobody
   *  and may later be someone else's. */
  readonly assignsIds?: boolean
  /** Reads at once what checking the next rows needs (called before each batch, with the rows'
   *  values, unvalidated), so that check() does not read row by row. */
  lookAhead? (db: Db, actor: Actor, values: ReadonlyArray<Record<string, unknown>>): Promise<L>
  /** Every refusal apply() would give on the data as it stands, and what applying would do;
   *  reads only. `ahead` is what lookAhead read for this row's batch. */
  check (db: Db, actor: Actor, value: Record<string, unknown>, row: number, state: PassState, today: string, ahead: L | undefined): Promise<Checked<I>>
  /** Applies checked rows inside the write transaction `db` belongs to (never one of its own:
   *  transactions do not nest): a result for each, in order. A refusal is a result (outcome
   *  error); what it throws rolls back the whole transaction. With `keepGoing` (partial imports)
   *  each row (or group of rows applied by one call) runs in a savepoint of its own
   *  (ctx.store.savepoint), so a refused row leaves nothing behind and the next rows are applied. Without it (all or nothing) a refused row may
   *  leave half its writes behind, which the next rows must not build on: apply() stops at the
   *  first refusal, its results ending with it. */
  apply (ctx: ServiceContext, db: Db, actor: Actor, at: Date, rows: Array<{ row: number, input: I }>, keepGoing: boolean): Promise<RowResult[]>
}

export interface ImportSummary {
  status: 'committed' | 'validated' | 'rejected'
  partial: boolean
  dryRun: boolean
  rows: number
  created: number
  updated: number
  unchanged: number
  failed: number
  committedRows: number
  results: RowResult[]
}

/** Ajv errors of one row as row errors (pointer and message, like a request's). */
export function schemaErrors (errors: ErrorObject[] | null | undefined): RowError[] {
  return fieldErrors(errors ?? []).map((e) => ({ code: 'VALIDATION_FAILED', ...e }))
}

/** A service's refusal as a row error. */
export function refusal (err: RegistryError): RowError {
  const pointer = (err.extra?.errors as Array<{ pointer?: string }> | undefined)?.[0]?.pointer
  return { code: err.code, ...(pointer ? { pointer } : {}), detail: err.message }
}

/** A row refused while the all-or-nothing transaction applied it: everything rolls back. */
class RefusedWhileApplying extends Error {
  constructor (readonly result: RowResult) { super(`row ${result.row} refused while applying`) }
}

/** Between the batches of one short transaction: no turn taken. */
const noTurn = async (): Promise<void> => {}

const tooMany: RowError = { code: 'VALIDATION_FAILED', detail: `beyond the ${MAX_ROWS}-row limit of one import / 超出单次导入 ${MAX_ROWS} 行的上限` }

export function importEngine (ctx: ServiceContext) {
  const { store, clock } = ctx

  /** Checks records [from, to) of `records` (reads only, in one read transaction). */
  async function checkChunk<I, L> (spec: RowSpec<I, L>, actor: Actor, records: readonly RawRecord[], from: number, to: number, state: PassState) {
    return await store.read(async (db) => {
      const today = shanghaiDate(clock())
      const out: Array<{ rec: RawRecord, checked: Checked<I> }> = []
      for (let i = from; i < to;) {
        const end = Math.min(i + spec.batch, to)
        const values: Array<Record<string, unknown>> = []
        for (let j = i; j < end; j++) { const v = (records[j] as RawRecord).value; if (v) values.push(v) }
        const ahead = await spec.lookAhead?.(db, actor, values)
        for (; i < end; i++) {
          const rec = records[i] as RawRecord
          const checked: Checked<I> = rec.row > MAX_ROWS
            ? { errors: [tooMany] }
            : rec.value ? await spec.check(db, actor, rec.value, rec.row, state, today, ahead) : { errors: [{ code: 'VALIDATION_FAILED', detail: rec.error ?? 'unreadable' }] }
          out.push({ rec, checked })
        }
      }
      return out
    })
  }

  /** Every record checked, chunk by chunk with a turn of the event loop between chunks. */
  async function checkAll<I, L> (spec: RowSpec<I, L>, actor: Actor, records: readonly RawRecord[], progress: Progress) {
    const state: PassState = { seen: new Map(), cache: new Map() }
    const checked: Array<{ rec: RawRecord, checked: Checked<I> }> = []
    for (let from = 0; from < records.length; from += CHUNK) {
      checked.push(...await checkChunk(spec, actor, records, from, Math.min(from + CHUNK, records.length), state))
      progress.checked = checked.length
      await nextTurn()
    }
    return checked
  }

  /** Applies checked rows in the write transaction `db` belongs to, batch by batch, awaiting
   *  `turn` between batches (a turn of the event loop may come there). A refused row throws
   *  RefusedWhileApplying unless `keepGoing`. */
  async function applyRows<I> (spec: RowSpec<I, unknown>, actor: Actor, db: Db, turn: () => Promise<void>, rows: Array<{ row: number, input: I }>, progress: Progress, keepGoing: boolean): Promise<RowResult[]> {
    const at = clock()
    // All or nothing: a refused row rolls the whole transaction back, so a row needs no
    // savepoint of its own (each one copies every page it touches to a sub-journal: several
    // times the cost of the row's inserts); partial mode keeps them (spec.apply takes one per
    // row), a refused row's writes undone and the others kept.
    const results: RowResult[] = []
    for (let i = 0; i < rows.length; i += spec.batch) {
      const applied = await spec.apply(ctx, db, actor, at, rows.slice(i, i + spec.batch), keepGoing)
      if (!keepGoing) {
        const refused = applied.find((r) => r.outcome === 'error')
        if (refused) throw new RefusedWhileApplying(refused)
      }
      results.push(...applied)
      progress.applied += applied.length
      await turn()
    }
    return results
  }

  /** Every record's result in file order: the check's where it refused or nothing was applied,
   *  else the one applying gave. */
  function merge<I> (checked: Array<{ rec: RawRecord, checked: Checked<I> }>, applied: ReadonlyMap<number, RowResult> | null): RowResult[] {
    return checked.map(({ rec, checked: c }) => 'errors' in c
      ? { row: rec.row, outcome: 'error', errors: c.errors }
      : applied?.get(rec.row) ?? { row: rec.row, ...c.expect })
  }

  function summary (status: ImportSummary['status'], req: ImportRequest, results: RowResult[], committedRows: number): ImportSummary {
    const count = (o: Outcome) => results.filter((r) => r.outcome === o).length
    return {
      status,
      partial: req.partial,
      dryRun: req.dryRun,
      rows: results.length,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      failed: count('error'),
      committedRows,
      results
    }
  }

  /** The results of a pass that committed nothing, as answered (see RowSpec.assignsIds). */
  function uncommitted (spec: { assignsIds?: boolean }, results: RowResult[]): RowResult[] {
    if (spec.assignsIds !== true) return results
    return results.map((r) => (r.outcome === 'created' ? { row: r.row, outcome: r.outcome } : r))
  }

  /** ?partial=true: each chunk checked and its good rows committed in one short transaction
   *  (store.write), a turn of the event loop between chunks. */
  async function partially<I, L> (spec: RowSpec<I, L>, actor: Actor, records: readonly RawRecord[], req: ImportRequest, hooks: ImportHooks, progress: Progress) {
    const state: PassState = { seen: new Map(), cache: new Map() }
    const results: RowResult[] = []
    let committed = 0
    for (let from = 0; from < records.length;) {
      const to = Math.min(from + spec.batch * Math.max(1, Math.floor(CHUNK / spec.batch)), records.length)
      const checked = await checkChunk(spec, actor, records, from, to, state)
      progress.checked += checked.length
      const good = checked.flatMap(({ rec, checked: c }) => ('errors' in c ? [] : [{ row: rec.row, input: c.input }]))
      const applied = await store.write(async (db) => await applyRows(spec, actor, db, noTurn, good, progress, true))
      const byRow = new Map(applied.map((r) => [r.row, r]))
      const chunk = merge(checked, byRow)
      results.push(...chunk)
      committed += applied.filter((r) => r.outcome !== 'error').length
      from = to
      await nextTurn()
    }
    return summary('committed', req, results, committed)
  }

  /**
   * Runs an import; the result lists every row. VALIDATION_FAILED when the body cannot be read
   * at all; IMPORT_REJECTED (all or nothing, with the result) when any row fails its check;
   * IMPORT_CONFLICT when a row is refused while the file is applied (nothing is kept).
   */
  return async function runImport<I, L> (spec: RowSpec<I, L>, actor: Actor, req: ImportRequest, hooks: ImportHooks = {}): Promise<ImportSummary> {
    const records: RawRecord[] = []
    for await (const rec of readRecords(req.format, req.body, spec.columns, req.charset)) records.push(rec)
    const progress = hooks.progress ?? { rows: 0, checked: 0, applied: 0 }
    progress.rows = records.length
    if (req.partial && !req.dryRun) return await partially(spec, actor, records, req, hooks, progress)

    const checked = await checkAll(spec, actor, records, progress)
    if (req.dryRun) return summary('validated', req, uncommitted(spec, merge(checked, null)), 0)
    const bad = checked.filter(({ checked: c }) => 'errors' in c).length
    if (bad > 0) {
      fail('IMPORT_REJECTED', `${bad} of ${records.length} rows have errors; nothing was imported (fix them, or send ?partial=true) / ${bad} 行有错误，未导入任何数据`,
        { result: summary('rejected', req, uncommitted(spec, merge(checked, null)), 0) })
    }
    const good = checked.map(({ rec, checked: c }) => ({ row: rec.row, input: (c as { input: I }).input }))
    try {
      const { value: result, heldMs } = await store.writeInTurns(async (db, turn) => {
        const applied = await applyRows(spec, actor, db, turn, good, progress, false)
        const result = summary('committed', req, merge(checked, new Map(applied.map((r) => [r.row, r]))), applied.length)
        await hooks.beforeCommit?.(db, result)
        return result
      })
      hooks.applied?.(result.committedRows, heldMs)
      return result
    } catch (err) {
      if (!(err instanceof RefusedWhileApplying)) throw err
      const refused = err.result
      const results = uncommitted(spec, merge(checked, null)).map((r) => (r.row === refused.row ? refused : r))
      const why = refused.errors?.map((e) => `${e.code}: ${e.detail}`).join('; ') ?? 'refused'
      return fail('IMPORT_CONFLICT', `row ${refused.row} was refused while the file was applied (${why}): the data changed since it was checked. Nothing was imported; send the file again / 第 ${refused.row} 行在写入时被拒绝（数据已变化），未导入任何数据，请重新提交`,
        { result: summary('rejected', req, results, 0) })
    }
  }
}
