// The black-box contract smoke (../shared/contract/smoke.mjs: `npm start` as a new user runs it,
// then an HR system's and a clerk's happy path) against a server on PostgreSQL: DATABASE_URL
// naming a database of its own.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { freshDatabase } from './database.js'
import { BUILT } from '../integration/cli.js'
import { openPgStore } from '../../src/db/pg/store.js'
import { queryValue } from '../db.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SMOKE = join(ROOT, '..', 'shared', 'contract', 'smoke.mjs')

t.test('the contract smoke passes on a PostgreSQL-backed server', { skip: existsSync(SMOKE) ? false : `no contract smoke at ${SMOKE}` }, async (t) => {
  const url = await freshDatabase(t, [])
  t.ok(existsSync(join(ROOT, BUILT.server)), 'dist/ is built (npm start would build it too)')
  const run = spawnSync(process.execPath, [SMOKE, '.'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 170_000 })
  t.equal(run.status, 0, run.stderr)
  t.match(run.stdout, /\n(\d+) passed, 0 failed\n?$/, run.stdout.slice(-2000))
  const store = await openPgStore(url, { migrate: false, poolSize: 1 })
  t.teardown(() => store.end())
  t.equal(await queryValue(store, "select count(*) from officers where status = 'departed'"), 1, 'the officer the smoke registered and saw leave is in PostgreSQL')
})
