// Another connection writing to the database: registers officers, one transaction each, until
// told to stop, counting its commits in shared memory so the test can tell when it wrote.
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { testClock } from '../clock.js'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { officersService } from '../../src/modules/officers/service.js'
import type { Actor } from '../../src/security/roles.js'
import { idNumber } from '../fixtures.js'

// Only as a worker (tap, given this folder, also runs it on its own: then it does nothing).
if (!isMainThread) run().catch((err: unknown) => { throw err })

async function run (): Promise<void> {
  const { file, agencyId, shared } = workerData as { file: string, agencyId: number, shared: SharedArrayBuffer }
  const state = new Int32Array(shared) // [0]: stop flag, [1]: commits
  const store = openSqliteStore({ DATABASE_PATH: file }, { migrate: false })
  const officers = officersService({ store, config: testConfig({ DATABASE_PATH: file }), clock: testClock() })
  const actor: Actor = { principal: { sub: 'test:writer', role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: 'writer' }
  parentPort?.postMessage('started')
  let i = 0
  while (Atomics.load(state, 0) === 0) {
    // Another region than the seeded officers', and a birth date per row: every ID number is new.
    const day = String(1 + (i % 28)).padStart(2, '0')
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0')
    const yearOfBirth = 1950 + Math.floor(i / 336)
    await officers.register(actor, { name: `并发${i}`, idNumber: idNumber(i % 1000, `${yearOfBirth}${month}${day}`, '110105'), agencyId })
    Atomics.add(state, 1, 1)
    i++
  }
  store.close()
  parentPort?.postMessage(i)
}
