// A second and third connection for the eligibility race (eligibility-race.test.ts): `depart`
// records one departure per officer; `check` asks POST /v1/eligibility's service about the same
// officer again and again meanwhile, and twice more once the departure has committed. Both keep
// in step per officer through a shared barrier; the departing thread raises a shared flag per
// officer once its write has returned, and each check says whether it saw that flag first.
import { parentPort, workerData } from 'node:worker_threads'
import { testClock } from '../clock.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { testConfig } from '../../src/config.js'
import { loadIdNumberKey } from '../../src/security/id-numbers.js'
import { eligibilityService } from '../../src/modules/eligibility/service.js'
import { officersService } from '../../src/modules/officers/service.js'
import type { Store } from '../../src/db/store.js'
import type { Actor } from '../../src/security/roles.js'

interface Data { engine: string, file: string, url: string, op: 'check' | 'depart', officerIds: number[], barrier: SharedArrayBuffer, committed: SharedArrayBuffer }
const { engine, file, url, op, officerIds, barrier, committed } = workerData as Data
const config = testConfig({ DATABASE_PATH: file })
const pgStore = engine === 'pg' ? await openPgStore(url, { migrate: false, poolSize: 2, idNumberKey: loadIdNumberKey(config) }) : undefined
const store: Store = pgStore ?? openSqliteStore({ DATABASE_PATH: file }, { migrate: false })
const ctx = { store, config, clock: testClock() }
const actor: Actor = { principal: { sub: `test:${op}`, role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: op }
const counter = new Int32Array(barrier)
const done = new Int32Array(committed)
export interface Check { officerId: number, afterCommit: boolean, eligible: boolean }
const report: Check[] | Array<{ officerId: number, committedAt: number }> = []

for (const [i, id] of officerIds.entries()) {
  Atomics.add(counter, 0, 1)
  while (Atomics.load(counter, 0) < 2 * (i + 1)) Atomics.wait(counter, 0, Atomics.load(counter, 0), 5)
  if (op === 'depart') {
    if (i % 3 === 1) await new Promise((resolve) => setTimeout(resolve, 2)) // now and then, let a few checks go first
    await officersService(ctx).depart(actor, id, { reason: 'resignation', date: '2026-11-30' })
    ;(report as Array<{ officerId: number, committedAt: number }>).push({ officerId: id, committedAt: Date.now() })
    Atomics.store(done, i, 1)
  } else {
    let after = 0
    for (let n = 0; n < 10_000 && after < 2; n++) {
      // Seen committed before this check began: the departing thread sets the flag only once its
      // write has returned (a timestamp of the same millisecond could not tell the order).
      const afterCommit = Atomics.load(done, i) === 1
      if (afterCommit) after++
      const answer = await eligibilityService(ctx).check(actor, { officerIds: [id], domain: '市场监管' })
      ;(report as Check[]).push({ officerId: id, afterCommit, eligible: answer.results[0]?.eligible === true })
    }
  }
}
if (pgStore !== undefined) await pgStore.end()
else store.close()
parentPort?.postMessage(report)
