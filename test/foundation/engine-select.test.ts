// DATABASE_URL selects PostgreSQL, and without it the SQLite file serves; a PostgreSQL database
// refuses a server whose ID-number key is not the one its numbers were sealed with.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { loadConfig, testConfig } from '../../src/config.js'
import { openStore } from '../../src/db/open.js'
import { officersService } from '../../src/modules/officers/service.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { ENGINE, queryValue } from '../db.js'
import { migratedDatabase } from '../pg/database.js'
import { testClock } from '../clock.js'
import { ADMIN_ACTOR, idNumber, uscc } from '../fixtures.js'

t.test('DATABASE_URL: a postgres:// URL, or a refusal naming the variable', async (t) => {
  for (const url of ['postgres://registry@db:5432/registry', 'postgresql://u@127.0.0.1/x']) {
    const r = loadConfig({ DATABASE_URL: url })
    t.ok(r.ok && r.config.DATABASE_URL === url, url)
  }
  for (const url of ['mysql://u@h/db', 'registry.db', 'postgres://']) {
    const r = loadConfig({ DATABASE_URL: url })
    t.notOk(r.ok, url)
    if (!r.ok) t.match(r.errors.join('\n'), /^DATABASE_URL: must match pattern/, url)
  }
})

t.test('without DATABASE_URL the store is the SQLite file', async (t) => {
  const store = await openStore({ DATABASE_PATH: join(t.testdir(), 'registry.db') })
  t.teardown(() => store.close())
  t.equal(store.engine, 'sqlite')
})

t.test('with DATABASE_URL the store is PostgreSQL, checked against the ID-number key of its data', { skip: ENGINE === 'pg' ? false : 'needs PostgreSQL (npm run test:pg)' }, async (t) => {
  const ends: Array<() => Promise<void>> = []
  const url = await migratedDatabase(t, ends)
  const key = randomBytes(32).toString('base64')
  const settings = { DATABASE_URL: url, DATABASE_PATH: join(t.testdir(), 'unused.db'), ID_ENCRYPTION_KEY: key }
  const store = await openStore(settings)
  ends.push(async () => { store.close() })
  t.equal(store.engine, 'pg')
  const otherKey = { ...settings, ID_ENCRYPTION_KEY: randomBytes(32).toString('base64') }
  await t.rejects(openStore(otherKey), /sealed with key [\w-]+, but the configured key is [\w-]+: set ID_ENCRYPTION_KEY/,
    'another key is refused while the database is still empty: the first server to open it claimed its key')
  const ctx = { store, config: testConfig(settings), clock: testClock() }
  const agency = await agenciesService(ctx).create(ADMIN_ACTOR, { name: '引擎测试局', uscc: uscc(3), kind: 'organ', level: 'city', regionCode: '140802', domains: ['市场监管'] })
  const officer = await officersService(ctx).register(ADMIN_ACTOR, { name: '张三', idNumber: idNumber(3), agencyId: agency.id })
  t.equal(officer.idNumber, idNumber(3), 'the number read back in clear')
  t.match(await queryValue(store, 'select id_number from officers where id = $1', officer.id), /^v1\./, 'stored sealed')
  t.equal(await queryValue(store, `select count(*) from (select id_number as t from officers union all select coalesce(before, '') || coalesce(after, '') from audit_events
    union all select data::text from domain_events) as texts where t like $1`, `%${idNumber(3).slice(6, 14)}%`), 0, 'the number (its birth date digits) in clear nowhere: officers, audit trail, feed')
  await t.rejects(openStore(otherKey), /sealed with key [\w-]+, but the configured key is [\w-]+: set ID_ENCRYPTION_KEY/, 'and once numbers are stored')
  const again = await openStore(settings)
  ends.push(async () => { again.close() })
  t.equal(again.engine, 'pg', 'the same key opens it')
})
