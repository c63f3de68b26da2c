// A PostgreSQL database of its own for a test file: created on the server of TEST_DATABASE_URL
// (default: the development and CI machines' postgres://postgres@127.0.0.1:5432/test), dropped
// when the test ends. Only `npm run test:pg` runs the files of this folder.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The URL of a new, empty database; `ends` run at the end of `t` (the pools on it closed),
 *  then the database is dropped. */
export async function freshDatabase (t: Test, ends: Array<() => Promise<void>>): Promise<string> {
  const name = `registry_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER_URL })
  try {
    await admin.connect()
  } catch (err) {
    throw new Error(`npm run test:pg needs a PostgreSQL server at ${SERVER_URL} (set TEST_DATABASE_URL to another) whose user may create databases: ${String(err)}`, { cause: err })
  }
  await admin.query(`create database ${name}`)
  await admin.end()
  t.teardown(async () => {
    for (const end of ends) await end()
    const c = new pg.Client({ connectionString: SERVER_URL })
    await c.connect()
    // A pool's end() resolves once its connections are told to close, before the server has
    // let them go: dropping the database meanwhile (WITH FORCE) would kill them mid-close.
    for (let i = 0; i < 100; i++) {
      const { rows } = await c.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name])
      if (Number(rows[0]?.n) === 0) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await c.query(`drop database if exists ${name}`)
    await c.end()
  })
  const url = new URL(SERVER_URL)
  url.pathname = `/${name}`
  return url.toString()
}
