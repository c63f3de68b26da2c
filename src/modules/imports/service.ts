// Bulk imports from HR systems: officers (upsert on the ID number) and training attendances,
// answered at once or, asked with Prefer: respond-async, run as a job (jobs.ts).
// The engine (engine.ts) runs any import; each kind says how to check and apply its rows.
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { attendanceRows } from './attendances.js'
import { importEngine, type ImportHooks, type ImportRequest } from './engine.js'
import { importJobs, type ImportKind } from './jobs.js'
import { officerRows } from './officers.js'

export function importsService (ctx: ServiceContext) {
  const engine = importEngine(ctx)
  const specs = { officers: officerRows(), attendances: attendanceRows() }
  const run = (kind: ImportKind, actor: Actor, req: ImportRequest, hooks: ImportHooks = {}) =>
    kind === 'officers' ? engine(specs.officers, actor, req, hooks) : engine(specs.attendances, actor, req, hooks)
  const jobs = importJobs(ctx, run)
  return {
    /** Runs an import of `kind` and answers its result; see engine.ts for the codes. Officers
     *  are matched on idNumber (registered, updated or departed); attendances name an officer
     *  by idNumber (or officerId). */
    run,
    /** Queues the import as a job and answers the job, queued (jobs.ts). */
    startJob: jobs.start,
    /** A job of the caller's (NOT_FOUND for another's). */
    job: jobs.get,
    /** At start: marks failed the jobs a process that is gone left unfinished. */
    recoverInterruptedJobs: jobs.recoverInterrupted,
    /** On close: the job running ends, those waiting are failed. */
    closeJobs: jobs.close,
    /** Resolves when no job runs or waits (tests). */
    jobsIdle: jobs.idle
  }
}

export type ImportsService = ReturnType<typeof importsService>
