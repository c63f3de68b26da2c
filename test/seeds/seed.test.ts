// The demo seed (npm run seed) at a tenth of the city, dated to a fixed day: its shape, the
// rules it must respect, and that a second run adds nothing.
// engine: sqlite-only — the seed command writes a SQLite file
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { checkIdNumber } from '../../src/domain/identity.js'
import { agenciesService } from '../../src/modules/agencies/service.js'
import { planSeed, SEED_ACTOR } from '../../seeds/run.js'
import { seed, seedRefusal } from '../../seeds/seed.js'
import { ADMIN_ACTOR, uscc } from '../fixtures.js'
import { queryValue, queryRow, queryRows, queryColumn, tableNames } from '../db.js'

const TODAY = '2025-11-20'
const SCALE = 0.1

const dir = mkdtempSync(join(tmpdir(), 'seed-test-'))
const file = join(dir, 'registry.db')
const config = testConfig({ DATABASE_PATH: file })
const store = openSqliteStore(config)
t.teardown(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })

async function tableCounts (): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const name of await tableNames(store)) {
    if (!name.startsWith('__drizzle')) counts[name] = await queryValue<number>(store, `select count(*) from "${name}"`)
  }
  return counts
}

t.test('the plan is the same on every run', async (t) => {
  const a = planSeed(config, { today: TODAY, scale: SCALE })
  const b = planSeed(config, { today: TODAY, scale: SCALE })
  t.same(a.officers.map((o) => [o.name, o.idNumber, o.certs.length]), b.officers.map((o) => [o.name, o.idNumber, o.certs.length]))
  t.same(a.agencies.map((x) => x.uscc), b.agencies.map((x) => x.uscc))
})

t.test('seeding a fresh database', async (t) => {
  t.equal(seedRefusal(store), null, 'an empty database may be seeded')
  const first = await seed(store, config, { today: TODAY, scale: SCALE, demoAccounts: true })
  const s = first.summary
  t.ok(first.seeded, 'seeded')
  t.comment(`seeded ${first.steps} service calls in ${(first.ms / 1000).toFixed(1)} s`)

  t.test('agencies: city, counties and townships, confirmed yearly, a few not yet this year', async (t) => {
    t.ok(s.agenciesByLevel.city === 36 && (s.agenciesByLevel.county ?? 0) > 0 && (s.agenciesByLevel.township ?? 0) > 0, JSON.stringify(s.agenciesByLevel))
    const unconfirmed = s.agencies - s.confirmedThisYear
    t.ok(unconfirmed >= 1 && unconfirmed <= s.agencies * 0.05, `${unconfirmed} of ${s.agencies} not confirmed this year`)
    const lastYear = await queryValue(store, 'select count(*) from agency_confirmations where year = $1', 2024)
    t.equal(lastYear, s.agencies, 'every agency confirmed last year')
  })

  t.test('officers: valid fictional ID numbers, Chinese names, some auxiliary and police', async (t) => {
    const codec = store.idNumbers
    const rows = (await queryRows<{ name: string, idNumber: string }>(store, 'select name, id_number as "idNumber" from officers'))
      .map((r) => ({ ...r, idNumber: codec.open(r.idNumber) }))
    t.ok(rows.length > 800 && rows.length < 1000, `${rows.length} officers at scale ${SCALE}`)
    const bad = rows.filter((r) => {
      const c = checkIdNumber(r.idNumber, TODAY)
      return !c.ok || !r.idNumber.startsWith('1499') || c.birthDate < '1965-01-01' || c.birthDate > '2000-12-31'
    })
    t.same(bad, [], 'every ID number valid, of 河东市 (1499xx), born 1965–2000')
    t.ok(rows.every((r) => /^[\u4e00-\u9fff]{2,3}$/.test(r.name)), 'names of two or three Chinese characters')
    t.ok(s.auxiliary > 0 && s.auxiliary < s.officers * 0.1, `${s.auxiliary} auxiliary`)
    t.ok(s.police > 0 && s.police < s.officers * 0.05, `${s.police} police`)
    t.ok(s.departed > 0 && s.departed < s.officers * 0.1, `${s.departed} departed`)
  })

  t.test('certificates in every state, mostly active', async (t) => {
    const c = s.certificates
    for (const state of ['active', 'suspended', 'revoked', 'cancelled', 'expired'] as const) t.ok(c[state] > 0, `${state}: ${c[state]}`)
    const all = Object.values(c).reduce((a, b) => a + b, 0)
    t.ok(c.active / all > 0.6, `active ${c.active} of ${all}`)
    t.ok(c.suspended + c.revoked + c.expired < c.active * 0.1, 'suspended, revoked and expired are exceptions')
    t.ok(s.awaitingRecallAfterDeparture > 0, `${s.awaitingRecallAfterDeparture} cards of departed officers awaiting recall`)
    t.ok(s.recalls.recovered > s.recalls.open, 'most recalls are closed')
    t.ok(s.examResults.failed > 0 && s.examResults.passed > s.examResults.failed * 5, 'most pass the exam, some fail')
    const live = await queryValue(store, `select count(*) from certificates c join officers o on o.id = c.officer_id
      where c.status in ('active','suspended') and (o.status = 'departed' or o.auxiliary = true or o.police = true)`)
    t.equal(live, 0, 'no live card held by a departed, auxiliary or police officer')
  })

  t.test('training: three years, hours and minutes, online and offline; about one in ten under-trained this year', async (t) => {
    t.same(Object.keys(s.trainingRecords), ['2023', '2024', '2025'])
    const mix = await queryRows<{ rule: string, mode: string, n: number }>(store, 'select r.rule, t.mode, count(*) as n from training_records r join trainings t on t.id = r.training_id group by r.rule, t.mode')
    t.ok(mix.some((m) => m.rule === 'hours' && m.mode === 'online'), 'online courses in 学时')
    t.ok(mix.some((m) => m.rule === 'minutes_45' && m.mode === 'offline'), 'sessions given in minutes')
    t.ok(s.externalRecords > 0, 'some external records')
    t.ok(s.underTrainedShare >= 0.05 && s.underTrainedShare <= 0.15, `under-trained ${s.underTrainedThisYear} of ${s.inScopeThisYear}`)
    const drift = await queryValue(store, `select count(*) from training_totals t where public_law_units + professional_units
      != (select coalesce(sum(units), 0) from training_records r where r.officer_id = t.officer_id and r.year = t.year)`)
    t.equal(drift, 0, 'per-officer-year totals agree with the records')
  })

  t.test('training plans (年度培训计划): most agencies each year, some none, some under 60 学时', async (t) => {
    t.same(Object.keys(s.trainingPlans), ['2023', '2024', '2025'])
    const thisYear = s.trainingPlans[2025] ?? 0
    t.ok(thisYear > s.agencies * 0.8 && thisYear < s.agencies, `${thisYear} plans of ${s.agencies} agencies this year`)
    t.ok(s.agenciesWithoutPlanThisYear > 0, `${s.agenciesWithoutPlanThisYear} agencies without a plan`)
    t.equal(s.agenciesWithoutPlanThisYear, s.agencies - thisYear, 'the rest have none')
    t.ok(s.plansUnderMinimumThisYear > 0 && s.plansUnderMinimumThisYear < thisYear * 0.25, `${s.plansUnderMinimumThisYear} under 60 学时`)
    const filedLate = await queryValue<number>(store, 'select count(*) from training_plans where substr(created_at, 1, 10) > $1', TODAY)
    t.equal(filedLate, 0, 'none filed after the seed\'s today')
    const audited = await queryValue<number>(store, "select count(*) from audit_events where entity = 'training_plan'")
    t.equal(audited, Object.values(s.trainingPlans).reduce((a, b) => a + b, 0), 'each written through the service, audited')
  })

  t.test('legal reviewers: a few agencies short of 5 %', async (t) => {
    t.ok(s.agenciesShortOfReviewers >= 1 && s.agenciesShortOfReviewers <= Math.max(3, s.agencies * 0.05), `${s.agenciesShortOfReviewers} short`)
    const agencies = agenciesService({ store, config, clock: () => new Date(`${TODAY}T04:00:00Z`) })
    const ids = await queryColumn<number>(store, 'select id from agencies')
    const short = []
    for (const id of ids) {
      const r = await agencies.staffing(SEED_ACTOR, id)
      if (!r.compliant) short.push(r)
    }
    t.equal(short.length, s.agenciesShortOfReviewers, 'the staffing service agrees')
    t.ok(short.every((r) => r.shortfall >= 1 && r.shortfall <= 2), 'each short by one or two')
  })

  t.test('issue 20: police in training scope, a renamed agency awaiting 重新确认, a card in custody, a revoked officer', async (t) => {
    t.ok(s.policeInScopeThisYear > 0 && s.policeInScopeThisYear === s.police - await queryValue<number>(store, "select count(*) from officers where police = true and status = 'departed'"), `${s.policeInScopeThisYear} police owe 学时 (004 line 39)`)
    const policeTrained = await queryValue<number>(store, 'select count(distinct r.officer_id) from training_records r join officers o on o.id = r.officer_id where o.police = true')
    t.ok(policeTrained > 0, 'and take training')
    t.equal(s.awaitingReconfirmation, 1, 'one body renamed after its confirmation')
    const renamed = await queryValue<string>(store, 'select name from agencies where reconfirmation_due_since is not null')
    t.match(renamed, /自然资源和规划局$/)
    t.ok(s.inCustody >= 1, `${s.inCustody} cards in custody`)
    t.equal(s.inCustody, s.certificates.suspended + await queryValue<number>(store, 'select count(*) from certificates where held_since is not null and valid_until < $1', TODAY), 'every suspended card is held')
    t.ok(s.revokedOfficers >= 1, `${s.revokedOfficers} revoked`)
  })

  t.test('every change is in the audit trail; demo logins exist', async (t) => {
    t.ok(s.auditEvents >= first.steps, `${s.auditEvents} audit events for ${first.steps} service calls`)
    t.ok(s.assessments > 0, 'annual assessments')
    const accounts = await queryRow(store, "select (select count(*) from users where username = 'clerk' and role = 'clerk') as clerk, (select count(*) from clients where role = 'hr') as hr")
    t.same(accounts, { clerk: 1, hr: 1 })
    t.match(first.accountLines.join('\n'), /client_secret=\S{20,}/, 'the client secret is printed once')
  })
})

t.test('records are created on the day the seed dates them: createdAt ≤ updatedAt', async (t) => {
  for (const table of ['agencies', 'officers', 'certificates']) {
    const later = await queryValue(store, `select count(*) from ${table} where updated_at < created_at`)
    t.equal(later, 0, `${table}: none updated before it was created`)
    const dated = await queryValue(store, `select count(*) from ${table} where substr(created_at, 1, 10) > $1`, TODAY)
    t.equal(dated, 0, `${table}: none created after the seed's today`)
  }
})

t.test('a second run adds nothing', async (t) => {
  t.equal(seedRefusal(store), null, 'a database the seed made may be seeded again')
  const before = await tableCounts()
  const again = await seed(store, config, { today: TODAY, scale: SCALE, demoAccounts: true })
  t.notOk(again.seeded, 'reports the city already there')
  t.same(await tableCounts(), before, 'no table changed')
  t.notMatch(again.accountLines.join('\n'), /client_secret=/, 'no secret printed again')
})

t.test('without --demo-accounts no login with a known password is created', async (t) => {
  const other = openSqliteStore(testConfig())
  t.teardown(() => other.close())
  const r = await seed(other, testConfig(), { today: TODAY, scale: 0.02 })
  t.ok(r.seeded)
  t.same(await queryValue(other, 'select (select count(*) from users) + (select count(*) from clients)'), 0, 'no user, no client')
  t.match(r.accountLines.join('\n'), /no demo logins created .*--demo-accounts/)
  t.notMatch(r.accountLines.join('\n'), /Clerk-Demo/)
})

t.test('a database holding data the seed did not write is refused', async (t) => {
  const other = openSqliteStore(':memory:')
  t.teardown(() => other.close())
  const agencies = agenciesService({ store: other, config: testConfig(), clock: () => new Date('2025-11-20T02:00:00Z') })
  await agencies.create(SEED_ACTOR, { name: '河东市人民政府', uscc: uscc(76), kind: 'organ', level: 'city', regionCode: '140802', domains: ['司法行政'] })
  t.equal(seedRefusal(other), null, 'written by the seed alone: its own')
  await agencies.create(ADMIN_ACTOR, { name: '真实的司法局', uscc: uscc(77), kind: 'organ', level: 'city', regionCode: '140802', domains: ['司法行政'] })
  t.match(seedRefusal(other), /^the database holds real data \(2 agencies, 1 changes to agencies and officers not made by the seed\).*--force/)
  // The same for the seeded file once someone has registered an agency through the API.
  await agenciesService({ store, config, clock: () => new Date('2025-11-21T02:00:00Z') })
    .create(ADMIN_ACTOR, { name: '新设的执法局', uscc: uscc(78), kind: 'organ', level: 'city', regionCode: '140802', domains: ['司法行政'] })
  t.match(seedRefusal(store), /holds real data/)
})
