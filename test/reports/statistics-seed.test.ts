// The statistics of the demo city (a tenth of it, seeded for a fixed day), every figure
// recomputed here from the rows themselves: officers, cards, events, recalls and grades read
// straight from the tables, training summed from the records (not the maintained totals), and
// judged with the domain rules; then grouped again by every groupBy and compared bucket by bucket.
// engine: sqlite-only — the seed command writes a SQLite file; the statistics' SQL runs on PostgreSQL in test/reports/statistics.test.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { evaluateTraining, ruleForYear } from '../../src/domain/compliance.js'
import { confirmationStanding } from '../../src/domain/confirmation.js'
import { shanghaiDate, yearOf } from '../../src/domain/dates.js'
import { evaluateStaffing } from '../../src/domain/staffing.js'
import { inTrainingScopeFor } from '../../src/domain/training.js'
import { seed } from '../../seeds/seed.js'
import { buildTestApp } from '../helper.js'
import { queryRows } from '../db.js'

const TODAY = '2026-11-20'
const dir = mkdtempSync(join(tmpdir(), 'statistics-seed-'))
const config = testConfig({ DATABASE_PATH: join(dir, 'registry.db') })
const store = openSqliteStore(config)
t.teardown(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })

type Agency = { id: number, name: string, path: string, kind: string, level: string, regionCode: string, domains: string, status: string, endedOn: string | null, createdAt: string }
type Officer = { id: number, agencyId: number, status: string, joinedOn: string | null, departedOn: string | null, auxiliary: number, police: number, legalReviewer: number, supervisor: number }
type Certificate = { id: number, agencyId: number, status: string, issuedOn: string, validUntil: string }
type Obj = Record<string, any>

/** Every figure of every agency for `year` counted on `day`, from the rows. */
async function recount (year: number, asOf: string) {
  const day = asOf > `${year}-12-31` ? `${year}-12-31` : asOf
  // The day counted is over at this instant (the next day's first, Shanghai): what came later was not yet.
  const dayEnd = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString()
  const agencies = (await queryRows<Agency>(store, 'select id, name, path, kind, level, region_code as "regionCode", domains, status, ended_on as "endedOn", created_at as "createdAt" from agencies order by id'))
    .filter((a) => a.createdAt < dayEnd)
  const officers = await queryRows<Officer>(store, 'select id, agency_id as "agencyId", status, joined_on as "joinedOn", departed_on as "departedOn", auxiliary, police, legal_reviewer as "legalReviewer", supervisor from officers')
  const certificates = await queryRows<Certificate>(store, 'select id, agency_id as "agencyId", status, issued_on as "issuedOn", valid_until as "validUntil" from certificates')
  const events = await queryRows<{ certificateId: number, fromStatus: string | null, toStatus: string, at: string }>(store, 'select certificate_id as "certificateId", from_status as "fromStatus", to_status as "toStatus", at from certificate_events')
  const recalls = await queryRows<{ certificateId: number, status: string, openedOn: string }>(store, 'select certificate_id as "certificateId", status, opened_on as "openedOn" from card_recalls')
  const grades = await queryRows<{ officerId: number, year: number, grade: string }>(store, 'select officer_id as "officerId", year, grade from assessments')
  const confirmations = await queryRows<{ agencyId: number, year: number }>(store, 'select agency_id as "agencyId", year from agency_confirmations')
  const records = await queryRows<{ officerId: number, category: string, units: number, year: number }>(store, 'select officer_id as "officerId", category, units, year from training_records')
  const certById = new Map(certificates.map((c) => [c.id, c]))
  const officerById = new Map(officers.map((o) => [o.id, o]))
  const serving = (o: Officer) => (o.status === 'active' || (o.departedOn !== null && o.departedOn > day)) && (o.joinedOn === null || o.joinedOn <= day)
  const rule = ruleForYear(config.TRAINING_RULES, year)
  const units = new Map<number, { publicLaw: number, professional: number }>()
  for (const r of records) {
    if (r.year !== year) continue
    const u = units.get(r.officerId) ?? { publicLaw: 0, professional: 0 }
    if (r.category === 'public_law') u.publicLaw += r.units
    else u.professional += r.units
    units.set(r.officerId, u)
  }
  const figures = new Map<number, Obj>()
  for (const a of agencies) {
    const mine = officers.filter((o) => o.agencyId === a.id)
    const at = mine.filter(serving)
    const cards = certificates.filter((c) => c.agencyId === a.id)
    // As it stood on the day: a card ended later stood as it was before its ending event.
    const then = (c: Certificate) => events.find((e) => e.certificateId === c.id && (e.toStatus === 'revoked' || e.toStatus === 'cancelled') && e.at >= dayEnd)?.fromStatus ?? c.status
    const live = (c: Certificate) => c.issuedOn <= day && c.validUntil >= day && (then(c) === 'active' || then(c) === 'suspended')
    const endedThisYear = (status: string) => new Set(events.filter((e) => e.toStatus === status && yearOf(shanghaiDate(new Date(e.at))) === year && certById.get(e.certificateId)?.agencyId === a.id).map((e) => e.certificateId)).size
    const ended = a.status !== 'active' && (a.endedOn === null || a.endedOn <= day)
    const active = !ended
    const standing = confirmationStanding([...new Set(confirmations.filter((c) => c.agencyId === a.id).map((c) => c.year))].sort(), day, config.CONFIRMATION_GRACE_UNTIL)
    const headcount = at.filter((o) => o.auxiliary === 0) // rule 4's headcount on the day counted
    const staffing = evaluateStaffing({ officers: headcount.length, certified: 0, reviewers: headcount.filter((o) => o.legalReviewer === 1).length })
    const training = { compliant: 0, onTrack: 0, atRisk: 0, nonCompliant: 0, notApplicable: 0, units: 0 }
    for (const o of at) {
      const u = units.get(o.id) ?? { publicLaw: 0, professional: 0 }
      if (!inTrainingScopeFor({ ...o, status: o.status as 'active' | 'departed', auxiliary: o.auxiliary === 1, police: o.police === 1 }, year, asOf, config.TRAINING_INCLUDES_POLICE)) {
        training.notApplicable++
        continue
      }
      const e = evaluateTraining({ year, asOf, joinedOn: o.joinedOn, publicLawUnits: u.publicLaw, professionalUnits: u.professional, rule, atRiskFrom: config.AT_RISK_FROM })
      training[({ compliant: 'compliant', on_track: 'onTrack', at_risk: 'atRisk', non_compliant: 'nonCompliant', not_applicable: 'notApplicable' } as const)[e.status]]++
      if (e.status !== 'not_applicable') training.units += u.publicLaw + u.professional
    }
    const gradeOf = (g: string) => grades.filter((x) => x.year === year && x.grade === g && officerById.get(x.officerId)?.agencyId === a.id).length
    figures.set(a.id, {
      agencies: { total: 1, active: active ? 1 : 0, confirmed: active && standing.confirmed ? 1 : 0, confirmationDue: active && standing.confirmationDue ? 1 : 0, merged: ended && a.status === 'merged' ? 1 : 0, dissolved: ended && a.status === 'dissolved' ? 1 : 0 },
      officers: { active: at.length, auxiliary: at.filter((o) => o.auxiliary === 1).length, police: at.filter((o) => o.police === 1).length, legalReviewers: at.filter((o) => o.legalReviewer === 1).length, supervisors: at.filter((o) => o.supervisor === 1).length },
      certificates: {
        live: cards.filter(live).length,
        active: cards.filter((c) => live(c) && then(c) === 'active').length,
        suspended: cards.filter((c) => live(c) && then(c) === 'suspended').length,
        issued: cards.filter((c) => yearOf(c.issuedOn) === year).length,
        revoked: endedThisYear('revoked'),
        cancelled: endedThisYear('cancelled'),
        awaitingRecall: recalls.filter((r) => r.status === 'open' && certById.get(r.certificateId)?.agencyId === a.id).length
      },
      training,
      staffing: active ? { agencies: 1, shortfallAgencies: staffing.compliant ? 0 : 1, reviewersShort: staffing.shortfall } : { agencies: 0, shortfallAgencies: 0, reviewersShort: 0 },
      assessments: { excellent: gradeOf('excellent'), competent: gradeOf('competent'), basicallyCompetent: gradeOf('basically_competent'), incompetent: gradeOf('incompetent') }
    })
  }
  const inYear = (d: string) => yearOf(d) === year
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`).map((month) => ({
    month,
    expiring: certificates.filter((c) => (c.status === 'active' || c.status === 'suspended') && inYear(c.validUntil) && c.validUntil.slice(0, 7) === month).length,
    awaitingRecall: recalls.filter((r) => r.status === 'open' && inYear(r.openedOn) && r.openedOn.slice(0, 7) === month).length
  }))
  return { agencies, figures, months }
}

/** Sums figures leaf by leaf and draws the rate and the average as the API shows them. */
function shown (parts: Obj[]): Obj {
  const sum: Obj = {}
  for (const p of parts) {
    for (const [section, leaves] of Object.entries(p)) {
      sum[section] ??= {}
      for (const [k, v] of Object.entries(leaves as Obj)) sum[section][k] = (sum[section][k] ?? 0) + v
    }
  }
  const { units, ...standings } = sum.training
  const applicable = standings.compliant + standings.onTrack + standings.atRisk + standings.nonCompliant
  return {
    ...sum,
    training: {
      ...standings,
      applicable,
      complianceRate: { numerator: standings.compliant, denominator: applicable, percent: applicable === 0 ? null : Math.round(standings.compliant * 1000 / applicable) / 10 },
      averageHours: applicable === 0 ? null : Math.round(units / 90 / applicable * 10) / 10
    }
  }
}

const KEYS: Record<string, (a: Agency) => string[]> = {
  agency: (a) => [String(a.id)],
  region: (a) => [a.regionCode],
  level: (a) => [a.level],
  kind: (a) => [a.kind],
  domain: (a) => [...new Set(JSON.parse(a.domains) as string[])]
}

t.test('every figure of the demo city, by every grouping, recomputed from the rows', async (t) => {
  const seeded = await seed(store, config, { today: TODAY, scale: 0.1 })
  t.ok(seeded.seeded)
  const { app, as } = await buildTestApp(t, {}, { store, clock: () => new Date(`${TODAY}T02:00:00Z`) })
  const admin = await as('admin')
  for (const [year, asOf] of [[2026, TODAY], [2025, TODAY]] as const) {
    const expected = await recount(year, asOf)
    for (const groupBy of Object.keys(KEYS)) {
      const res = await app.inject({ url: `/v1/reports/statistics?year=${year}&groupBy=${groupBy}&limit=500`, headers: admin })
      t.equal(res.statusCode, 200, `${year} by ${groupBy}`)
      const body = res.json()
      t.equal(body.nextCursor, null, 'one page')
      const { key: _k, label: _l, ...total } = body.total
      t.same(total, shown([...expected.figures.values()]), `${year}: the total`)
      const groups = new Map<string, Obj[]>()
      for (const a of expected.agencies) for (const k of KEYS[groupBy]!(a)) groups.set(k, [...(groups.get(k) ?? []), expected.figures.get(a.id)!])
      t.same(body.items.map((b: Obj) => b.key).sort(), [...groups.keys()].sort(), `${year} by ${groupBy}: the buckets`)
      for (const b of body.items) {
        const { key, label: _label, ...figures } = b
        t.same(figures, shown(groups.get(key)!), `${year} by ${groupBy}: ${key}`)
      }
      t.same(body.certificatesByMonth, expected.months, `${year}: certificates by month`)
    }
    const totals = shown([...expected.figures.values()])
    t.ok(totals.officers.active > 500 && totals.training.applicable > 0 && totals.certificates.live > 0, `${year}: a city's worth counted (${totals.officers.active} officers)`)
  }
  const now = (await recount(2026, TODAY))
  const all = shown([...now.figures.values()])
  t.ok(all.training.onTrack + all.training.atRisk > 0 && all.training.notApplicable > 0, 'the seed\'s year in progress has officers on track or at risk, and some not applicable')
  t.ok(all.staffing.shortfallAgencies > 0 && all.certificates.awaitingRecall > 0, `shortfalls and recalls to count (${all.staffing.shortfallAgencies}, ${all.certificates.awaitingRecall})`)
  const graded = shown([...(await recount(2025, TODAY)).figures.values()]).assessments
  t.ok(graded.competent > 0 && graded.excellent > 0, `last year's grades to count (${JSON.stringify(graded)})`)
})
