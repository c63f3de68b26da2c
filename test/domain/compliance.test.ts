import t from 'tap'
import { DEFAULT_TRAINING_RULES, evaluateTraining, inTrainingScope, notApplicable, proRatedJoiner, ruleForYear } from '../../src/domain/compliance.js'
import type { TrainingInput, TrainingRule, TrainingStatus } from '../../src/domain/compliance.js'
import { hoursToUnits, minutesToUnits } from '../../src/domain/hours.js'

const RULE_2023 = DEFAULT_TRAINING_RULES[0] as TrainingRule
const RULE_2025: TrainingRule = { version: '2025', effectiveFrom: 2025, publicLawHours: 40, professionalHours: 30, proRateJoiners: false }
const PRO_RATA: TrainingRule = { ...RULE_2023, version: '2023-prorata', proRateJoiners: true }
const H = 90 // units per 学时

const base: TrainingInput = {
  year: 2025, asOf: '2025-03-01', joinedOn: null, publicLawUnits: 0, professionalUnits: 0, rule: RULE_2023
}

t.test('ruleForYear picks the latest rule in force', async t => {
  const rules = [RULE_2025, RULE_2023] // order must not matter
  const tie = [{ ...RULE_2025, version: 'first' }, { ...RULE_2025, version: 'second' }]
  const cases: Array<[readonly TrainingRule[], number, string | null]> = [
    [DEFAULT_TRAINING_RULES, 2022, null],
    [DEFAULT_TRAINING_RULES, 2023, '2023'],
    [DEFAULT_TRAINING_RULES, 2030, '2023'],
    [rules, 2024, '2023'],
    [rules, 2025, '2025'],
    [rules, 2026, '2025'],
    [[], 2025, null],
    [tie, 2025, 'second']
  ]
  for (const [list, year, version] of cases) t.equal(ruleForYear(list, year)?.version ?? null, version, `${year}`)
})

t.test('exact sums: 300 × 0.1 学时 and 1350 minutes make 30 + 30', async t => {
  let publicLawUnits = 0
  for (let i = 0; i < 300; i++) {
    const r = hoursToUnits('0.1')
    if (r.ok) publicLawUnits += r.units
  }
  const professionalUnits = minutesToUnits(1350)
  const r = evaluateTraining({ ...base, asOf: '2026-01-01', publicLawUnits, professionalUnits })
  t.same(r, {
    year: 2025,
    ruleVersion: '2023',
    required: { publicLaw: 2700, professional: 2700 },
    deficits: { publicLaw: 0, professional: 0 },
    expectedByNow: { publicLaw: 2700, professional: 2700 },
    compliant: true,
    status: 'compliant'
  })
  t.equal(evaluateTraining({ ...base, asOf: '2026-01-01', publicLawUnits, professionalUnits: minutesToUnits(1349) }).status, 'non_compliant', 'one minute short')
})

t.test('status over the year, with separate buckets', async t => {
  const cases: Array<[string, number, number, TrainingStatus, [number, number], [number, number]]> = [
    // asOf, public-law units, professional units → status, deficits, expectedByNow
    ['2025-03-01', 30 * H, 30 * H, 'compliant', [0, 0], [444, 444]],
    ['2025-03-01', 45 * H, 45 * H, 'compliant', [0, 0], [444, 444]],
    ['2026-01-01', 60 * H, 0, 'non_compliant', [0, 2700], [2700, 2700]],
    ['2025-01-01', 0, 0, 'on_track', [2700, 2700], [8, 8]], // before the 1 July checkpoint: not at_risk by pace
    ['2024-12-31', 0, 0, 'on_track', [2700, 2700], [0, 0]],
    // 1 July is day 182 of 365: about half, 1347 units ≈ 14.97 学时
    ['2025-07-01', 14 * H, 16 * H, 'at_risk', [16 * H, 14 * H], [1347, 1347]],
    ['2025-07-01', 16 * H, 14 * H, 'at_risk', [14 * H, 16 * H], [1347, 1347]],
    ['2025-07-01', 16 * H, 16 * H, 'on_track', [14 * H, 14 * H], [1347, 1347]],
    ['2025-07-01', 1347, 1347, 'on_track', [1353, 1353], [1347, 1347]],
    ['2025-07-01', 1346, 1347, 'at_risk', [1354, 1353], [1347, 1347]],
    // the year boundary: 31 December is still in time, 1 January is final
    ['2025-12-31', 2699, 2700, 'at_risk', [1, 0], [2700, 2700]],
    ['2026-01-01', 2699, 2700, 'non_compliant', [1, 0], [2700, 2700]],
    ['2027-06-30', 2699, 2700, 'non_compliant', [1, 0], [2700, 2700]],
    ['2026-01-01', 2700, 2700, 'compliant', [0, 0], [2700, 2700]]
  ]
  for (const [asOf, pl, pro, status, [dPl, dPro], [ePl, ePro]] of cases) {
    const r = evaluateTraining({ ...base, asOf, publicLawUnits: pl, professionalUnits: pro })
    t.same(
      [r.status, r.compliant, r.deficits, r.expectedByNow],
      [status, status === 'compliant', { publicLaw: dPl, professional: dPro }, { publicLaw: ePl, professional: ePro }],
      `${asOf} ${pl}/${pro}`
    )
  }
})

t.test('rule versions: 40 学时 from 2025, none before 2023', async t => {
  const rules = [RULE_2023, RULE_2025]
  const cases: Array<[number, string, string | null, TrainingStatus, number]> = [
    // year, asOf → version, status, public-law deficit (officer did 30 + 30)
    [2024, '2025-01-01', '2023', 'compliant', 0],
    [2025, '2026-01-01', '2025', 'non_compliant', 10 * H],
    [2022, '2023-01-01', null, 'not_applicable', 0]
  ]
  for (const [year, asOf, version, status, deficit] of cases) {
    const r = evaluateTraining({ ...base, year, asOf, publicLawUnits: 30 * H, professionalUnits: 30 * H, rule: ruleForYear(rules, year) })
    t.same([r.ruleVersion, r.status, r.deficits.publicLaw], [version, status, deficit], `${year}`)
  }
  const none = evaluateTraining({ ...base, year: 2022, asOf: '2022-06-01', rule: null })
  t.same([none.required, none.expectedByNow, none.compliant, none.status], [{ publicLaw: 0, professional: 0 }, { publicLaw: 0, professional: 0 }, false, 'not_applicable'], 'no rule: nothing required, not_applicable (rule 7), never compliant')
})

t.test('pro-rating joiners (only when the rule says so)', async t => {
  const cases: Array<[TrainingRule, number, string | null, number]> = [
    // rule, year, joinedOn → required units per bucket
    [PRO_RATA, 2025, '2025-07-01', 1362], // 184 of 365 days, rounded up
    [PRO_RATA, 2024, '2024-07-01', 1358], // 184 of 366
    [PRO_RATA, 2024, '2024-12-31', 8],
    [PRO_RATA, 2025, '2025-01-01', 2700],
    [PRO_RATA, 2025, '2024-05-01', 2700], // joined an earlier year
    [PRO_RATA, 2025, null, 2700],
    [RULE_2023, 2025, '2025-07-01', 2700] // default: no pro-rating
  ]
  for (const [rule, year, joinedOn, units] of cases) {
    const r = evaluateTraining({ ...base, year, asOf: `${year + 1}-01-01`, joinedOn, rule })
    t.same(r.required, { publicLaw: units, professional: units }, `${rule.version} ${year} joined ${String(joinedOn)}`)
  }
  const atEnd = (pl: number): TrainingStatus =>
    evaluateTraining({ ...base, asOf: '2026-01-01', joinedOn: '2025-07-01', rule: PRO_RATA, publicLawUnits: pl, professionalUnits: 1362 }).status
  t.equal(atEnd(1362), 'compliant')
  t.equal(atEnd(1361), 'non_compliant')
})

t.test('proRatedJoiner: a rule that pro-rates, and a joining day in that year', async t => {
  const cases: Array<[TrainingRule | null, string | null, boolean, string]> = [
    [PRO_RATA, '2025-07-01', true, 'joined during the year'],
    [PRO_RATA, '2025-01-01', true, 'joined on 1 January'],
    [PRO_RATA, '2025-12-31', true, 'joined on 31 December'],
    [PRO_RATA, '2024-12-31', false, 'joined the year before'],
    [PRO_RATA, '2026-01-02', false, 'joins the year after'],
    [PRO_RATA, null, false, 'joining day unknown'],
    [RULE_2023, '2025-07-01', false, 'the rule does not pro-rate'],
    [null, '2025-07-01', false, 'no rule']
  ]
  for (const [rule, joinedOn, want, why] of cases) t.equal(proRatedJoiner(rule, 2025, joinedOn), want, why)
})

t.test('a pro-rated joiner is measured from the joining day', async t => {
  const cases: Array<[string, number, TrainingStatus, number]> = [
    // asOf, units in each bucket → status, expected units
    ['2025-06-01', 0, 'on_track', 0], // not yet joined
    ['2025-07-01', 0, 'at_risk', 8],
    ['2025-07-01', 8, 'on_track', 8],
    ['2025-10-01', 688, 'at_risk', 689], // 93 of 184 days
    ['2025-10-01', 689, 'on_track', 689]
  ]
  for (const [asOf, units, status, expected] of cases) {
    const r = evaluateTraining({ ...base, asOf, joinedOn: '2025-07-01', rule: PRO_RATA, publicLawUnits: units, professionalUnits: units })
    t.same([r.status, r.expectedByNow.publicLaw], [status, expected], `${asOf} with ${units}`)
  }
})

t.test('rule minimums in tenths of 学时; bad input throws', async t => {
  const r = evaluateTraining({ ...base, rule: { ...RULE_2023, publicLawHours: 7.5 }, publicLawUnits: 675, professionalUnits: 2700 })
  t.same(r.required, { publicLaw: 675, professional: 2700 })
  t.equal(r.status, 'compliant')
  t.throws(() => evaluateTraining({ ...base, rule: { ...RULE_2023, professionalHours: 7.55 } }), RangeError)
  t.throws(() => evaluateTraining({ ...base, publicLawUnits: -1 }), RangeError)
  t.throws(() => evaluateTraining({ ...base, professionalUnits: 0.5 }), RangeError)
})

t.test('004 line 39 (一.3): 县公安局 officers owe 30 学时; only auxiliary staff (002 item 10) and, when the setting leaves them out, police are out of scope', async t => {
  const cases: Array<['active' | 'departed', boolean, boolean, boolean | undefined, boolean]> = [
    // status, auxiliary, police, includePolice (undefined: the default) → in scope
    ['active', false, false, undefined, true],
    ['active', true, false, undefined, false],
    ['active', false, true, undefined, true],
    ['active', false, true, true, true],
    ['active', false, true, false, false],
    ['active', false, false, false, true],
    ['active', true, true, undefined, false],
    ['departed', false, false, undefined, false],
    ['departed', false, true, undefined, false],
    ['departed', true, false, undefined, false]
  ]
  for (const [status, auxiliary, police, includePolice, want] of cases) {
    t.equal(inTrainingScope({ status, auxiliary, police }, includePolice), want, `${status} aux=${auxiliary} police=${police} includePolice=${String(includePolice)}`)
  }
})

t.test('rule 7: where no rule is in force the status is not_applicable, never compliant', async t => {
  const r = evaluateTraining({ ...base, year: 2022, asOf: '2022-12-01', rule: null })
  t.equal(r.status, 'not_applicable')
  t.equal(r.compliant, false)
  t.same(notApplicable(2026), { year: 2026, ruleVersion: null, required: { publicLaw: 0, professional: 0 }, deficits: { publicLaw: 0, professional: 0 }, expectedByNow: { publicLaw: 0, professional: 0 }, compliant: false, status: 'not_applicable' })
})

t.test('003 line 52 / 004 line 39 "6月底前…全员轮训": nobody is at_risk by pace before the checkpoint (AT_RISK_FROM, default 07-01)', async t => {
  const cases: Array<[string, number, number, string | undefined, TrainingStatus, string]> = [
    // asOf, public-law 学时, professional 学时, atRiskFrom → status
    ['2026-01-01', 0, 0, undefined, 'on_track', '1 January: nothing is owed by pace yet'],
    ['2026-03-31', 0, 0, undefined, 'on_track', '31 March'],
    ['2026-06-30', 0, 0, undefined, 'on_track', 'the day before the checkpoint'],
    ['2026-07-01', 0, 0, undefined, 'at_risk', 'from the checkpoint, the pace model applies'],
    ['2026-07-01', 15, 15, undefined, 'on_track', 'half done by 1 July is on pace'],
    ['2026-12-01', 15, 15, undefined, 'at_risk', 'half done in December is behind'],
    ['2026-03-31', 0, 0, '03-01', 'at_risk', 'a checkpoint set earlier (AT_RISK_FROM=03-01)'],
    ['2026-06-30', 30, 30, undefined, 'compliant', 'done early is compliant whatever the day'],
    ['2027-01-05', 10, 30, undefined, 'non_compliant', 'the year over: a shortfall is final']
  ]
  for (const [asOf, pl, pr, atRiskFrom, want, why] of cases) {
    const r = evaluateTraining({ ...base, year: 2026, asOf, publicLawUnits: pl * H, professionalUnits: pr * H, atRiskFrom })
    t.equal(r.status, want, why)
  }
})
