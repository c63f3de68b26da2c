// Bulk imports from HR systems: officers (upsert on the ID number) and training attendances.
// The engine (engine.ts) runs any import; each kind says how to check and apply its rows.
import type { Actor } from '../../security/roles.js'
import type { ServiceContext } from '../context.js'
import { attendanceRows } from './attendances.js'
import { importEngine, type ImportRequest } from './engine.js'
import { officerRows } from './officers.js'

export function importsService (ctx: ServiceContext) {
  const run = importEngine(ctx)
  const officers = officerRows(ctx)
  const attendances = attendanceRows(ctx)
  return {
    /** Officers, matched on idNumber: registered, updated or departed. See engine.ts for the codes. */
    importOfficers: (actor: Actor, req: ImportRequest) => run(officers, actor, req),
    /** Attendances of trainings, officers matched on idNumber (or officerId). */
    importAttendances: (actor: Actor, req: ImportRequest) => run(attendances, actor, req)
  }
}

export type ImportsService = ReturnType<typeof importsService>
