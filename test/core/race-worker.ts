// A second (and third) connection for the race test: runs one operation per officer, in step
// with the other worker through a shared barrier, so both hit the same officer at once.
import { parentPort, workerData } from 'node:worker_threads'
import { testClock } from '../clock.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { testConfig } from '../../src/config.js'
import { RegistryError } from '../../src/errors.js'
import { certificatesService } from '../../src/modules/certificates/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import type { Actor } from '../../src/security/roles.js'

const { file, op, officerIds, agencyId, barrier } = workerData as { file: string, op: 'issue' | 'depart', officerIds: number[], agencyId: number, barrier: SharedArrayBuffer }
const store = openSqliteStore({ DATABASE_PATH: file }, { migrate: false })
const ctx = { store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() }
const certificates = certificatesService(ctx)
const officers = officersService(ctx)
const actor: Actor = { principal: { sub: `test:${op}`, role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: op }
const counter = new Int32Array(barrier)
const outcomes: Record<string, number> = {}

for (const [i, id] of officerIds.entries()) {
  // Barrier: both workers arrive before either goes on, so each pair starts together.
  Atomics.add(counter, 0, 1)
  while (Atomics.load(counter, 0) < 2 * (i + 1)) Atomics.wait(counter, 0, Atomics.load(counter, 0), 5)
  try {
    if (op === 'issue') await certificates.issue(actor, { officerId: id, agencyId })
    else await officers.depart(actor, id, { reason: 'resignation', date: '2026-01-01' })
    outcomes.ok = (outcomes.ok ?? 0) + 1
  } catch (err) {
    const code = err instanceof RegistryError ? err.code : String(err)
    outcomes[code] = (outcomes[code] ?? 0) + 1
  }
}
store.close()
parentPort?.postMessage(outcomes)
