// The bench on SQLite: a working copy of the bench file beside it (work.db), and the ceilings
// measured on it with better-sqlite3 in this process.
import { copyFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../src/db/sqlite/store.js'
import { aggregateSql, RECORD_COLUMNS, recordTuple, trainingSql, withStandIns, type BenchDatabase } from './engine.js'

/** Copies `source` to work.db beside it (the run writes: accounts, B3's rows; the generated data
 *  stays as it was). */
export function sqliteWorkDatabase (source: string): BenchDatabase {
  const db = join(dirname(source), 'work.db')
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true })
  copyFileSync(source, db)
  const open = (readonly = false) => {
    const sqlite = new Database(db, { readonly })
    if (!readonly) sqlite.pragma('busy_timeout = 5000')
    return sqlite
  }
  const probe = open(true)
  const version = probe.prepare('select sqlite_version()').pluck().get() as string
  probe.close()
  return {
    engine: 'sqlite',
    label: `SQLite ${version}, ${db}`,
    client: 'better-sqlite3, in process',
    env: { DATABASE_PATH: db },
    commandArgs: ['--db', db],
    pointRead: { what: 'the empty route, same process and hooks', bar: 0.7 },
    async withStore (work) {
      const store = openSqliteStore(db)
      try {
        return await work(store)
      } finally {
        store.close()
      }
    },
    async rows<T> (sql: string) {
      const sqlite = open(true)
      try {
        return sqlite.prepare(sql).all() as T[]
      } finally {
        sqlite.close()
      }
    },
    async aggregate (year, runs, under) {
      const sqlite = open(true)
      try {
        const stmt = sqlite.prepare(aggregateSql('sqlite', under !== undefined))
        const times: number[] = []
        let rows = 0
        for (let i = 0; i < runs; i++) {
          const t = performance.now()
          rows = stmt.all(year, `${year}-12-31`, ...(under === undefined ? [] : [under])).length
          times.push(performance.now() - t)
        }
        return { times, rows }
      } finally {
        sqlite.close()
      }
    },
    async inserts (officerIds, year) {
      const sqlite = open()
      try {
        const training = sqlite.prepare(trainingSql('sqlite')).get(`${year}-01-02`, `${year}-01-02`, year) as { id: number }
        const insert = sqlite.prepare(`insert into ${RECORD_COLUMNS} values ${recordTuple('?', '?', '?', '?')}`)
        const t = performance.now()
        sqlite.transaction(() => { for (const id of officerIds) insert.run(id, training.id, `${year}-01-02`, year) })()
        const ms = performance.now() - t
        return { ms, rowsPerS: officerIds.length / (ms / 1000), how: 'better-sqlite3 in process, one prepared insert a row, one transaction' }
      } finally {
        sqlite.close()
      }
    },
    async officerInserts (people) {
      const sqlite = open()
      try {
        const values = withStandIns(people)
        const officer = sqlite.prepare('insert into officers (name, id_number, agency_id, employee_no) values (?, ?, ?, ?)')
        const index = sqlite.prepare('insert into officer_id_index (officer_id, digest) values (?, ?)')
        sqlite.exec('begin immediate')
        const t = performance.now()
        for (const v of values) index.run(officer.run(v.name, v.sealed, v.agencyId, v.employeeNo).lastInsertRowid, v.digest)
        const ms = performance.now() - t
        sqlite.exec('rollback')
        return { ms, rowsPerS: people.length / (ms / 1000), how: 'better-sqlite3 in process, one prepared insert a row' }
      } finally {
        sqlite.close()
      }
    },
    async dispose () {}
  }
}
