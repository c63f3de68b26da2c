// Import jobs: an import sent with `Prefer: respond-async` (RFC 7240) is answered at once, 202
// with Location /v1/imports/{id}, and runs after the answer, one at a time in this process. Its
// row in import_jobs says where it is (queued, running, done, failed) and, once ended, holds the
// answer the synchronous call would have given: the result of every row, or the problem.
// An all-or-nothing job is marked done inside the transaction that applies its rows, so a job
// reads done exactly when its rows are committed. The body waits in memory only: a job that a
// crash or a stop interrupted is marked failed (nothing of it was applied: it commits in one
// transaction or not at all) and is sent again by its caller. Progress (rows checked, applied)
// is kept in memory while it runs and written when it ends.
import type { Db } from '../../db/store.js'
import { fail, RegistryError } from '../../errors.js'
import { principalCurrent, type Actor } from '../../security/roles.js'
import { holderGone, thisProcess } from '../../process-identity.js'
import { accountVersion } from '../accounts/repository.js'
import type { ServiceContext } from '../context.js'
import type { ImportHooks, ImportRequest, ImportSummary, Progress } from './engine.js'
import { importJobRepository, type ImportJobRow, type JobError } from './job-repository.js'

export type ImportKind = 'officers' | 'attendances'

/** Jobs waiting in this process, at most; more is 503 until some have run. */
export const MAX_QUEUED_JOBS = 20
/** Jobs one caller may have waiting: one HR system sending file after file does not fill the
 *  queue for the others. */
export const MAX_QUEUED_JOBS_PER_CALLER = 5

export interface ImportJobView {
  id: number
  kind: ImportKind
  status: ImportJobRow['status']
  partial: boolean
  dryRun: boolean
  progress: Progress
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  result?: ImportSummary
  error?: JobError
}

type Runner = (kind: ImportKind, actor: Actor, req: ImportRequest, hooks: ImportHooks) => Promise<ImportSummary>

/** Why a job a stop or a crash interrupted failed: all or nothing commits in one transaction,
 *  so nothing of it was applied; a partial job may have committed its first chunks. */
const interrupted = (partial: boolean): JobError => ({
  code: 'IMPORT_JOB_INTERRUPTED',
  detail: partial
    ? 'the server stopped while this import was waiting or running; the chunks committed before stay (sending it again is safe: they come back unchanged) / 导入过程中服务停止，已提交的部分保留，可重新提交'
    : 'the server stopped while this import was waiting or running; nothing of it was applied: send it again / 导入过程中服务停止，未写入任何数据，请重新提交'
})

export function importJobs ({ store, config, clock, log }: ServiceContext, run: Runner) {
  const me = thisProcess()
  const progressOf = new Map<number, Progress>()
  const queue: Array<{ id: number, kind: ImportKind, actor: Actor, req: ImportRequest }> = []
  let current: Promise<void> | undefined
  let closing = false
  /** Jobs being written to their row, not yet queued: they count as waiting (their callers). */
  const entering: Array<{ sub: string, written: Promise<unknown> }> = []

  /** `live`: the running job's progress, taken before its row was read (see get). */
  function view (row: ImportJobRow, live = progressOf.get(row.id)): ImportJobView {
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      partial: row.partial,
      dryRun: row.dryRun,
      progress: live === undefined ? { rows: row.rows, checked: row.checked, applied: row.applied } : { ...live },
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      ...(row.result === null ? {} : { result: row.result }),
      ...(row.error === null ? {} : { error: row.error })
    }
  }

  async function runOne (job: typeof queue[number]): Promise<void> {
    const progress: Progress = { rows: 0, checked: 0, applied: 0 }
    progressOf.set(job.id, progress)
    const finished = async (db: Db, outcome: { result?: ImportSummary, error?: JobError }) => {
      await importJobRepository.finish(db, job.id, { ...outcome, progress, at: clock().toISOString() })
    }
    try {
      // A job runs after its answer, as its caller: an account disabled or changed meanwhile
      // (its tokens refused from the next request) no longer speaks for it.
      await store.write(async (db) => {
        if (!await principalCurrent(job.actor.principal, async (sub) => await accountVersion(db, sub))) fail('INVALID_TOKEN', 'the account that sent this import was disabled or changed before it ran; nothing of it was applied / 提交该导入的账号在执行前已被停用或变更，未写入任何数据')
        await importJobRepository.start(db, job.id, clock().toISOString())
      })
      const result = await run(job.kind, job.actor, job.req, {
        progress,
        // All or nothing: the job is done in the very transaction that applies its rows.
        beforeCommit: async (db, summary) => { await finished(db, { result: summary }) },
        applied: (rows, heldMs) => { log?.info({ job: job.id, kind: job.kind, rows, lockHeldMs: Math.round(heldMs) }, 'import job applied in one transaction') }
      })
      if (job.req.partial || job.req.dryRun) await store.write(async (db) => { await finished(db, { result }) })
    } catch (err) {
      if (!job.req.partial) progress.applied = 0 // rolled back: nothing of it was applied
      const error: JobError = err instanceof RegistryError
        ? { code: err.code, detail: err.message }
        : { code: 'INTERNAL', detail: 'the import failed inside the service; nothing of it was applied / 导入失败，未写入任何数据' }
      // The caller sees INTERNAL; the operator needs what it was (the job's answer never says).
      if (!(err instanceof RegistryError)) log?.error({ err, job: job.id, kind: job.kind }, 'import job failed')
      const result = err instanceof RegistryError ? (err.extra?.result as ImportSummary | undefined) : undefined
      await store.write(async (db) => { await finished(db, { error, ...(result === undefined ? {} : { result }) }) })
        .catch((failure: unknown) => { log?.error({ err: failure, job: job.id }, 'import job end not recorded (the next start fails it)') })
    } finally {
      progressOf.delete(job.id)
    }
  }

  function next (): void {
    if (current !== undefined || closing) return
    const job = queue.shift()
    if (job === undefined) return
    current = runOne(job).finally(() => {
      current = undefined
      next()
    })
  }

  return {
    /** Queues an import and answers its job as it stands (queued). SERVICE_UNAVAILABLE when too
     *  many wait already, or the service is stopping. */
    async start (actor: Actor, kind: ImportKind, req: ImportRequest): Promise<ImportJobView> {
      if (closing || queue.length + entering.length >= MAX_QUEUED_JOBS) {
        fail('SERVICE_UNAVAILABLE', `${queue.length + entering.length} imports are waiting already; send this one again in a minute / 等待中的导入过多，请稍后重试`, { retryAfterSeconds: 60 })
      }
      const yours = [...queue.map((j) => j.actor.principal.sub), ...entering.map((e) => e.sub)].filter((sub) => sub === actor.principal.sub).length
      if (yours >= MAX_QUEUED_JOBS_PER_CALLER) {
        fail('SERVICE_UNAVAILABLE', `${yours} of your imports are waiting already; send this one once one of them has started / 您已有 ${yours} 个导入在等待，请待其开始后再提交`, { retryAfterSeconds: 60 })
      }
      const now = clock()
      const written = store.write(async (db) => {
        // Jobs that ended more than IMPORT_JOB_TTL_HOURS ago are forgotten, as idempotency keys are.
        await importJobRepository.purgeEnded(db, new Date(now.getTime() - config.IMPORT_JOB_TTL_HOURS * 3600_000).toISOString())
        return await importJobRepository.insert(db, {
          principal: actor.principal.sub,
          kind,
          partial: req.partial,
          dryRun: req.dryRun,
          holder: me,
          requestId: actor.requestId,
          createdAt: now.toISOString()
        })
      })
      // In the queue as soon as its row is written, in the same step: close() waits for these,
      // then fails every job queued (one written meanwhile included).
      const queued = written.then((row) => {
        queue.push({ id: row.id, kind, actor, req })
        setImmediate(next)
        return row
      })
      const entry = { sub: actor.principal.sub, written: queued }
      entering.push(entry)
      try {
        return view(await queued)
      } finally {
        entering.splice(entering.indexOf(entry), 1)
      }
    },

    /** The job, to its caller only (NOT_FOUND for anyone else, as if it did not exist). */
    async get (actor: Actor, id: number): Promise<ImportJobView> {
      // The progress in memory first: a job leaves it only once its row is committed, so a read
      // begun after finds the row's final progress, and one begun before (a snapshot of the row
      // still running) is given the live progress, never the older figures of its snapshot.
      const live = progressOf.get(id)
      const row = await store.read(async (db) => await importJobRepository.findById(db, id))
      if (row === undefined || row.principal !== actor.principal.sub) fail('NOT_FOUND', `import ${id} not found`)
      return view(row, live)
    },

    /** At start: jobs left queued or running by a process that is gone are failed (nothing of
     *  them was applied); on PostgreSQL only those of this host's processes (holderGone): another
     *  server's jobs are its own. How many. */
    async recoverInterrupted (): Promise<number> {
      return await store.write(async (db) => {
        const orphans = (await importJobRepository.unfinished(db)).filter((j) => holderGone(j.holder, store.engine !== 'sqlite'))
        for (const j of orphans) await importJobRepository.finish(db, j.id, { error: interrupted(j.partial), at: clock().toISOString() })
        return orphans.length
      })
    },

    /** Stops taking jobs: the one running finishes, those waiting are failed (send them again). */
    async close (): Promise<void> {
      closing = true
      // Jobs being queued are waiting ones too.
      await Promise.allSettled(entering.map((e) => e.written))
      await current
      const waiting = queue.splice(0)
      if (waiting.length > 0) {
        await store.write(async (db) => { for (const j of waiting) await importJobRepository.finish(db, j.id, { error: interrupted(j.req.partial), at: clock().toISOString() }) })
      }
    },

    /** Resolves once no job runs or waits (tests). */
    async idle (): Promise<void> {
      const busy = () => current !== undefined || (queue.length > 0 && !closing)
      while (busy()) await (current ?? new Promise((resolve) => setImmediate(resolve)))
    }
  }
}

export type ImportJobs = ReturnType<typeof importJobs>
