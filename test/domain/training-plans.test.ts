import t from 'tap'
import {
  planOnFile, filesPlans,
  latestDuePlanYear,
  meetsPlanMinimum, offlinePublicLawShort, OFFLINE_PUBLIC_LAW_MINIMUM_UNITS, planDueDay, planStatus, planTotal, planUnits,
  PLAN_MINIMUM_UNITS, rotationCheckpointDay, rotationCountedUpTo, rotationCoverage, type PlanUnits
} from '../../src/domain/training-plans.js'

t.test('the minimums: 60 学时 a plan, 30 学时 offline public law, in units of 1/90 学时', async (t) => {
  t.equal(PLAN_MINIMUM_UNITS, 5400)
  t.equal(OFFLINE_PUBLIC_LAW_MINIMUM_UNITS, 2700)
})

t.test('planUnits reads each part as trainings read hours, exactly', async (t) => {
  const cases: Array<[Record<'publicLawHours' | 'professionalHours' | 'skillsHours', string | number>, PlanUnits]> = [
    [{ publicLawHours: 30, professionalHours: 20, skillsHours: 10 }, { publicLaw: 2700, professional: 1800, skills: 900 }],
    [{ publicLawHours: '0.1', professionalHours: 0.1, skillsHours: '0.1' }, { publicLaw: 9, professional: 9, skills: 9 }],
    [{ publicLawHours: '20.5', professionalHours: 19.5, skillsHours: ' 20 ' }, { publicLaw: 1845, professional: 1755, skills: 1800 }],
    [{ publicLawHours: 0, professionalHours: 0, skillsHours: 1000 }, { publicLaw: 0, professional: 0, skills: 90000 }]
  ]
  for (const [hours, units] of cases) t.same(planUnits(hours), { ok: true, units }, JSON.stringify(hours))
})

t.test('planUnits refuses the first bad part, naming it', async (t) => {
  const cases: Array<[Record<'publicLawHours' | 'professionalHours' | 'skillsHours', string | number>, string, RegExp]> = [
    [{ publicLawHours: 0.15, professionalHours: 1, skillsHours: 1 }, 'publicLawHours', /one decimal/],
    [{ publicLawHours: 1, professionalHours: -1, skillsHours: 1 }, 'professionalHours', /negative/],
    [{ publicLawHours: 1, professionalHours: 1, skillsHours: 'ten' }, 'skillsHours', /number/],
    [{ publicLawHours: 1, professionalHours: 1, skillsHours: 1000.1 }, 'skillsHours', /1000/],
    [{ publicLawHours: 1e21, professionalHours: 1, skillsHours: 1 }, 'publicLawHours', /too large/]
  ]
  for (const [hours, field, reason] of cases) {
    const r = planUnits(hours)
    t.equal(r.ok, false, JSON.stringify(hours))
    if (!r.ok) {
      t.equal(r.field, field)
      t.match(r.reason, reason)
    }
  }
})

t.test('a plan reaches 60 学时 exactly, with no float drift', async (t) => {
  const cases: Array<[PlanUnits, number, boolean]> = [
    [{ publicLaw: 2700, professional: 1800, skills: 900 }, 5400, true],
    [{ publicLaw: 2700, professional: 1800, skills: 891 }, 5391, false], // 59.9 学时
    [{ publicLaw: 0, professional: 0, skills: 0 }, 0, false],
    [{ publicLaw: 9 * 200, professional: 9 * 200, skills: 9 * 200 }, 5400, true] // 0.1 × 600
  ]
  for (const [p, total, meets] of cases) {
    t.equal(planTotal(p), total, JSON.stringify(p))
    t.equal(meetsPlanMinimum(p), meets, JSON.stringify(p))
  }
})

t.test('plan status as of a day: filed, below_minimum, missing once the due day has passed, not_due before', async (t) => {
  const full: PlanUnits = { publicLaw: 2700, professional: 1800, skills: 900 }
  const short: PlanUnits = { publicLaw: 2700, professional: 900, skills: 900 }
  const cases: Array<[PlanUnits | null, number, string, string | undefined, string]> = [
    [full, 2026, '2026-01-02', undefined, 'filed'],
    [full, 2026, '2027-03-01', undefined, 'filed'],
    [short, 2026, '2026-02-01', undefined, 'below_minimum'],
    [null, 2026, '2026-05-30', undefined, 'not_due'],
    [null, 2026, '2026-05-31', undefined, 'not_due'], // due by the end of May: the last day is on time
    [null, 2026, '2026-06-01', undefined, 'missing'],
    [null, 2026, '2027-01-05', undefined, 'missing'], // a closed year
    [null, 2027, '2026-12-01', undefined, 'not_due'], // next year's
    [null, 2026, '2026-04-01', '03-31', 'missing'], // PLAN_DUE moved earlier
    [null, 2026, '2026-06-15', '06-30', 'not_due']
  ]
  for (const [plan, year, asOf, due, status] of cases) {
    t.equal(planStatus(plan, year, asOf, due), status, `${plan === null ? 'no plan' : planTotal(plan)} ${year} as of ${asOf} (due ${due ?? 'default'})`)
  }
})

t.test('the due day and the rotation checkpoint of a year', async (t) => {
  t.equal(planDueDay(2026), '2026-05-31')
  t.equal(planDueDay(2026, '04-30'), '2026-04-30')
  t.equal(rotationCheckpointDay(2026), '2026-06-30')
  t.equal(rotationCheckpointDay(2025, '09-30'), '2025-09-30')
  t.throws(() => planDueDay(2026, '02-30'), RangeError)
  t.equal(rotationCountedUpTo('2026-06-30', '2026-03-01'), '2026-03-01', 'nothing dated after asOf counts')
  t.equal(rotationCountedUpTo('2026-06-30', '2026-12-01'), '2026-06-30')
})

t.test('offline public law organised: 30 学时 or short', async (t) => {
  const cases: Array<[number, boolean]> = [[0, true], [2699, true], [2700, false], [9000, false]]
  for (const [units, short] of cases) t.equal(offlinePublicLawShort(units), short, `${units} units`)
})

t.test('rotation coverage: percent rounded once to one decimal, null with nobody owed it', async (t) => {
  const cases: Array<[number, number, number | null]> = [
    [0, 0, null],
    [3, 0, 0],
    [3, 1, 33.3],
    [3, 2, 66.7],
    [3, 3, 100],
    [8, 1, 12.5],
    [2000, 1, 0.1], // 0.05 → 0.1: half up
    [2001, 1, 0],
    [7, 6, 85.7]
  ]
  for (const [officers, trained, percent] of cases) t.same(rotationCoverage(officers, trained), { officers, trained, percent }, `${trained}/${officers}`)
  t.throws(() => rotationCoverage(2, 3), RangeError)
  t.throws(() => rotationCoverage(2, -1), RangeError)
  t.throws(() => rotationCoverage(2.5, 1), RangeError)
})

t.test('the latest year whose plans are due: asOf\'s once its due day has passed, the year before until then', async (t) => {
  const cases: Array<[string, string | undefined, number]> = [
    ['2027-01-05', undefined, 2026],
    ['2026-05-31', undefined, 2025], // the due day itself: still on time
    ['2026-06-01', undefined, 2026],
    ['2026-12-31', undefined, 2026],
    ['2026-04-30', '04-30', 2025],
    ['2026-05-01', '04-30', 2026]
  ]
  for (const [asOf, due, year] of cases) t.equal(latestDuePlanYear(asOf, due), year, `${asOf}${due ? ` (due ${due})` : ''}`)
})

t.test('a plan is on file from the day it was filed; only an active agency files one', async (t) => {
  const onFile: Array<[string, string, boolean]> = [['2026-03-16', '2026-03-15', false], ['2026-03-16', '2026-03-16', true], ['2026-03-16', '2026-12-01', true]]
  for (const [filedOn, asOf, yes] of onFile) t.equal(planOnFile(filedOn, asOf), yes, `filed ${filedOn}, as of ${asOf}`)
  t.same((['active', 'merged', 'dissolved'] as const).map(filesPlans), [true, false, false], 'merged or dissolved: the successor files')
})
