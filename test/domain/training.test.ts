import t from 'tap'
import { activeOn, attendanceOutcome, completedBy, creditableOn, defaultNightlyYear, evaluationPeriod, serviceGaps, recordsCountedUpTo, servingOn, explainConversion, inTrainingScopeFor, isFinding, scopeDay, trainingEvaluator } from '../../src/domain/training.js'
import { compliantFrom, DEFAULT_TRAINING_RULES, evaluateTraining } from '../../src/domain/compliance.js'
import type { TrainingRule, TrainingStatus } from '../../src/domain/compliance.js'
import type { AttendanceOutcome, Conversion, ServiceFacts } from '../../src/domain/training.js'

const active: ServiceFacts = { status: 'active', joinedOn: null, departedOn: null }

t.test('activeOn: joined on or before the day, and not yet left', async t => {
  const cases: Array<[ServiceFacts, string, boolean, string]> = [
    [active, '2026-06-01', true, 'active, no joining date'],
    [{ ...active, joinedOn: '2026-06-01' }, '2026-06-01', true, 'joined that day'],
    [{ ...active, joinedOn: '2026-06-02' }, '2026-06-01', false, 'joins the day after'],
    [{ status: 'departed', joinedOn: null, departedOn: '2026-06-02' }, '2026-06-01', true, 'leaves the day after'],
    [{ status: 'departed', joinedOn: null, departedOn: '2026-06-01' }, '2026-06-01', false, 'the day of leaving'],
    [{ status: 'departed', joinedOn: null, departedOn: '2026-01-01' }, '2026-06-01', false, 'left earlier'],
    [{ status: 'departed', joinedOn: null, departedOn: null }, '2026-06-01', false, 'departed without a date'],
    [{ status: 'departed', joinedOn: '2026-07-01', departedOn: '2026-12-01' }, '2026-06-01', false, 'not yet joined'],
    [{ status: 'active', joinedOn: null, departedOn: '2020-01-01' }, '2026-06-01', true, 'status active wins (came back)']
  ]
  for (const [facts, day, want, why] of cases) t.equal(activeOn(facts, day), want, why)
})

t.test('scopeDay: asOf inside or before the year, else 31 December', async t => {
  const cases: Array<[number, string, string]> = [
    [2026, '2026-03-01', '2026-03-01'],
    [2026, '2026-12-31', '2026-12-31'],
    [2026, '2027-01-01', '2026-12-31'],
    [2026, '2030-05-05', '2026-12-31'],
    [2027, '2026-11-30', '2026-11-30']
  ]
  for (const [year, asOf, want] of cases) t.equal(scopeDay(year, asOf), want, `${year} as of ${asOf}`)
})

t.test('inTrainingScopeFor: active on the scope day, not auxiliary; police too (004 line 39 names 县公安局) unless left out', async t => {
  const base = { ...active, auxiliary: false, police: false }
  const left2027 = { ...base, status: 'departed' as const, departedOn: '2027-03-01' }
  const cases: Array<[typeof base, number, string, boolean, string]> = [
    [base, 2026, '2026-06-01', true, 'active officer'],
    [{ ...base, auxiliary: true }, 2026, '2026-06-01', false, 'auxiliary'],
    [{ ...base, police: true }, 2026, '2026-06-01', true, 'police owe 学时 by default'],
    [left2027, 2026, '2027-06-01', true, 'left after the year: still owed 2026'],
    [left2027, 2027, '2027-06-01', false, 'gone by asOf in 2027'],
    [left2027, 2027, '2027-02-01', true, 'still there on asOf'],
    [{ ...base, joinedOn: '2026-09-01' }, 2026, '2026-08-31', false, 'not yet joined on asOf'],
    [{ ...base, joinedOn: '2026-09-01' }, 2026, '2027-01-10', true, 'joined during the year, judged at its end']
  ]
  for (const [facts, year, asOf, want, why] of cases) t.equal(inTrainingScopeFor(facts, year, asOf), want, why)
  t.equal(inTrainingScopeFor({ ...base, police: true }, 2026, '2026-06-01', false), false, 'police left out when TRAINING_INCLUDES_POLICE=false')
  t.equal(inTrainingScopeFor(base, 2026, '2026-06-01', false), true, 'the setting touches only police')
})

t.test('attendanceOutcome: unknown, repeat, departed by the training day, recorded', async t => {
  type Officer = { status: 'active' | 'departed', departedOn: string | null }
  const serving: Officer = { status: 'active', departedOn: null }
  const cases: Array<[Officer | undefined, boolean, string, AttendanceOutcome]> = [
    // officer, repeat, training completed on → outcome
    [undefined, false, '2026-05-10', 'not_found'],
    [undefined, true, '2026-05-10', 'not_found'],
    [serving, true, '2026-05-10', 'already_recorded'],
    [{ status: 'departed', departedOn: '2026-03-01' }, true, '2026-05-10', 'already_recorded'],
    [{ status: 'departed', departedOn: '2026-03-01' }, false, '2026-05-10', 'officer_departed'],
    [{ status: 'departed', departedOn: '2026-05-10' }, false, '2026-05-10', 'officer_departed'],
    [{ status: 'departed', departedOn: '2026-05-11' }, false, '2026-05-10', 'recorded'],
    [{ status: 'departed', departedOn: null }, false, '2026-05-10', 'officer_departed'],
    [serving, false, '2026-05-10', 'recorded'],
    [{ status: 'active', departedOn: '2020-01-01' }, false, '2026-05-10', 'recorded']
  ]
  for (const [officer, repeat, day, want] of cases) t.equal(attendanceOutcome(officer, repeat, day), want, `${JSON.stringify(officer)} repeat=${repeat} on ${day}`)
})

t.test('creditableOn: at the post on the day the training was completed', async t => {
  const cases: Array<[{ status: 'active' | 'departed', departedOn: string | null }, string, boolean, string]> = [
    [{ status: 'active', departedOn: null }, '2026-05-10', true, 'serving'],
    [{ status: 'departed', departedOn: '2026-06-01' }, '2026-05-10', true, 'left after the training: late upload of history'],
    [{ status: 'departed', departedOn: '2026-05-10' }, '2026-05-10', false, 'left that day'],
    [{ status: 'departed', departedOn: '2026-01-01' }, '2026-05-10', false, 'left before'],
    [{ status: 'departed', departedOn: null }, '2026-05-10', false, 'departed without a date']
  ]
  for (const [officer, day, want, why] of cases) t.equal(creditableOn(officer, day), want, why)
})

t.test('servingOn: still at the post on a day (one who is not may be taken on again)', async t => {
  const cases: Array<[{ status: 'active' | 'departed', departedOn: string | null }, string, boolean, string]> = [
    [{ status: 'active', departedOn: null }, '2026-06-15', true, 'active'],
    [{ status: 'departed', departedOn: '2026-12-31' }, '2026-06-15', true, 'leaving on a day still to come'],
    [{ status: 'departed', departedOn: '2026-06-15' }, '2026-06-15', false, 'the day of leaving'],
    [{ status: 'departed', departedOn: '2026-03-01' }, '2026-06-15', false, 'gone'],
    [{ status: 'departed', departedOn: null }, '2026-06-15', false, 'departed without a date']
  ]
  for (const [officer, day, want, why] of cases) {
    t.equal(servingOn(officer, day), want, why)
    t.equal(creditableOn(officer, day), want, `creditableOn is the same rule: ${why}`)
  }
})

t.test('evaluationPeriod: asOf defaults to today, the year to asOf\'s, and which records count', async t => {
  const cases: Array<[{ year?: number, asOf?: string }, string, { year: number, asOf: string, recordsUpTo: string | null }]> = [
    [{}, '2026-06-15', { year: 2026, asOf: '2026-06-15', recordsUpTo: null }],
    [{ asOf: '2025-12-31' }, '2026-06-15', { year: 2025, asOf: '2025-12-31', recordsUpTo: null }],
    [{ asOf: '2026-04-01' }, '2026-06-15', { year: 2026, asOf: '2026-04-01', recordsUpTo: '2026-04-01' }],
    [{ year: 2026, asOf: '2025-12-31' }, '2026-06-15', { year: 2026, asOf: '2025-12-31', recordsUpTo: '2025-12-31' }],
    [{ year: 2025 }, '2026-06-15', { year: 2025, asOf: '2026-06-15', recordsUpTo: null }]
  ]
  for (const [asked, today, want] of cases) t.same(evaluationPeriod(asked, today), want, JSON.stringify(asked))
})

t.test('completedBy: 学时 count from the day the training ends, never before', async t => {
  const cases: Array<[string, string, boolean]> = [
    ['2026-06-15', '2026-06-14', false],
    ['2026-06-15', '2026-06-15', true],
    ['2026-06-15', '2026-06-16', true],
    ['2026-12-31', '2027-01-01', true],
    ['2027-01-01', '2026-12-31', false]
  ]
  for (const [ends, today, want] of cases) t.equal(completedBy(ends, today), want, `${ends} by ${today}`)
})

t.test('recordsCountedUpTo: a past day counts what had been received by then; otherwise the whole year', async t => {
  const cases: Array<[number, string, string, string | null, string]> = [
    [2026, '2026-04-01', '2026-06-15', '2026-04-01', 'a past day in the year'],
    [2026, '2026-06-15', '2026-06-15', null, 'today'],
    [2026, '2026-09-30', '2026-06-15', null, 'a day ahead: nothing is credited ahead of today'],
    [2026, '2026-12-31', '2027-03-01', null, 'the last day of the year, asked later: every record of the year is dated by then'],
    [2026, '2027-01-05', '2027-03-01', null, 'after the year: all of it'],
    [2026, '2025-12-31', '2026-06-15', '2025-12-31', 'before the year: nothing of it yet']
  ]
  for (const [year, asOf, today, want, why] of cases) t.equal(recordsCountedUpTo(year, asOf, today), want, why)
})

t.test('explainConversion says how the 学时 were derived', async t => {
  const cases: Array<[Conversion, string]> = [
    [{ rule: 'minutes_45', rawHours: null, rawMinutes: 1350, units: 2700 }, '1350 分钟 ÷ 45 = 30 学时 (2700/90)'],
    [{ rule: 'minutes_45', rawHours: null, rawMinutes: 100, units: 200 }, '100 分钟 ÷ 45 ≈ 2.22 学时 (200/90)'],
    [{ rule: 'minutes_45', rawHours: null, rawMinutes: 9, units: 18 }, '9 分钟 ÷ 45 = 0.2 学时 (18/90)'],
    [{ rule: 'hours', rawHours: '1.5', rawMinutes: null, units: 135 }, '1.5 学时 as stated / 按所列学时 (135/90)'],
    [{ rule: 'hours', rawHours: '30', rawMinutes: null, units: 2700 }, '30 学时 as stated / 按所列学时 (2700/90)']
  ]
  for (const [c, want] of cases) t.equal(explainConversion(c), want)
})

t.test('isFinding: at_risk and non_compliant need action; on_track and compliant do not', async t => {
  const cases: Array<[TrainingStatus, boolean]> = [['compliant', false], ['on_track', false], ['at_risk', true], ['non_compliant', true], ['not_applicable', false]]
  for (const [status, want] of cases) t.equal(isFinding(status), want, status)
})

t.test('compliantFrom: with that much in both buckets anyone is compliant, joiners included, on any day; a unit less is not, for someone in post all year', async t => {
  const plain = DEFAULT_TRAINING_RULES[0] as TrainingRule
  const proRata: TrainingRule = { ...plain, version: 'pro', proRateJoiners: true }
  const cases: Array<[TrainingRule | null, { publicLaw: number, professional: number }]> = [
    [plain, { publicLaw: 2700, professional: 2700 }],
    [proRata, { publicLaw: 2700, professional: 2700 }],
    [{ ...plain, version: 'odd', publicLawHours: 16, professionalHours: 40.5 }, { publicLaw: 1440, professional: 3645 }],
    [null, { publicLaw: 0, professional: 0 }]
  ]
  for (const [rule, want] of cases) {
    const from = compliantFrom(rule)
    t.same(from, want, rule?.version ?? 'no rule')
    for (const asOf of ['2026-01-01', '2026-07-15', '2026-12-31', '2027-01-02']) {
      for (const joinedOn of [null, '2020-05-01', '2026-01-01', '2026-07-02', '2026-12-31']) {
        for (const extra of [0, 1, 900]) {
          const e = evaluateTraining({ year: 2026, asOf, joinedOn, publicLawUnits: from.publicLaw + extra, professionalUnits: from.professional, rule })
          const ok = rule === null ? e.status === 'not_applicable' && !e.compliant : e.compliant
          if (!ok) t.fail(`${rule?.version ?? 'none'} ${asOf} ${joinedOn ?? '-'} +${extra}: ${e.status}`)
        }
      }
      if (rule === null) continue
      for (const short of [{ publicLaw: from.publicLaw - 1, professional: from.professional }, { publicLaw: from.publicLaw, professional: from.professional - 1 }]) {
        t.not(evaluateTraining({ year: 2026, asOf, joinedOn: null, publicLawUnits: short.publicLaw, professionalUnits: short.professional, rule }).status, 'compliant', `${rule.version} ${asOf}: a unit short`)
      }
    }
  }
})

t.test('trainingEvaluator answers exactly what evaluateTraining answers, joiners included', async t => {
  const plain = DEFAULT_TRAINING_RULES[0] as TrainingRule
  const proRata: TrainingRule = { ...plain, version: 'pro', proRateJoiners: true }
  const joins = [null, '2025-03-01', '2026-01-01', '2026-07-02', '2026-09-01', '2026-12-31', '2027-02-01']
  const units = [0, 9, 1228, 2699, 2700, 5400]
  for (const rule of [plain, proRata, null]) {
    for (const asOf of ['2025-06-01', '2026-07-15', '2026-12-31', '2027-01-02']) {
      const evaluate = trainingEvaluator(2026, asOf, rule)
      for (const joinedOn of joins) {
        for (const pl of units) {
          for (const pro of units) {
            const want = evaluateTraining({ year: 2026, asOf, joinedOn, publicLawUnits: pl, professionalUnits: pro, rule })
            const got = evaluate(joinedOn, pl, pro)
            if (JSON.stringify(got) !== JSON.stringify(want)) t.fail(`${rule?.version ?? 'none'} ${asOf} ${joinedOn ?? '-'} ${pl}/${pro}`)
          }
        }
      }
    }
  }
  t.throws(() => trainingEvaluator(2026, '2026-07-15', plain)(null, -1, 0), RangeError, 'negative units are refused, as by evaluateTraining')
  t.throws(() => trainingEvaluator(2026, '2026-07-15', plain)(null, 0, 1.5), RangeError, 'fractional units too')
  const proJoiner = trainingEvaluator(2026, '2027-01-02', proRata)
  t.not(proJoiner('2026-07-02', 0, 0).required.publicLaw, proJoiner(null, 0, 0).required.publicLaw, 'a pro-rated joiner is not served from the cache of a full-year officer')
  t.equal(proJoiner('2026-07-02', 0, 0).required.publicLaw, 1354, 'ceil(2700 × 183 / 365)')
})

t.test('004 line 39 "原则上于2024年6月底前…全员轮训一遍": the nightly looks at the last closed year until the checkpoint, the current year from it', async t => {
  const cases: Array<[string, string | undefined, number, string]> = [
    ['2027-01-05', undefined, 2026, 'early January: 2026\'s non-compliance is the finding'],
    ['2027-06-30', undefined, 2026, 'the day before 1 July'],
    ['2027-07-01', undefined, 2027, 'from 1 July the year\'s pace'],
    ['2026-12-01', undefined, 2026, 'December: the current year'],
    ['2027-03-01', '03-01', 2027, 'AT_RISK_FROM=03-01 moves the switch'],
    ['2027-02-28', '03-01', 2026, 'and before it the closed year']
  ]
  for (const [asOf, from, want, why] of cases) t.equal(defaultNightlyYear(asOf, from), want, why)
})

t.test('serviceGaps: each taking on again closes the gap its departure opened', async t => {
  type Move = { kind: 'transfer' | 'departure' | 'rejoin', date: string }
  const cases: Array<[Move[], Array<{ from: string, to: string }>, string]> = [
    [[], [], 'no moves'],
    [[{ kind: 'departure', date: '2025-03-01' }], [], 'gone, not back: no gap (the absence is departedOn)'],
    [[{ kind: 'departure', date: '2025-03-01' }, { kind: 'rejoin', date: '2026-06-01' }], [{ from: '2025-03-01', to: '2026-06-01' }], 'one gap'],
    [[{ kind: 'rejoin', date: '2026-06-01' }, { kind: 'departure', date: '2025-03-01' }], [{ from: '2025-03-01', to: '2026-06-01' }], 'any order'],
    [[{ kind: 'transfer', date: '2024-01-01' }, { kind: 'departure', date: '2025-03-01' }, { kind: 'rejoin', date: '2025-09-01' }, { kind: 'departure', date: '2026-01-10' }, { kind: 'rejoin', date: '2026-02-01' }],
      [{ from: '2025-03-01', to: '2025-09-01' }, { from: '2026-01-10', to: '2026-02-01' }], 'two stints apart, a transfer is no gap'],
    [[{ kind: 'departure', date: '2025-03-01' }, { kind: 'rejoin', date: '2025-03-01' }], [], 'back the same day: no gap']
  ]
  for (const [moves, want, why] of cases) t.same(serviceGaps(moves), want, why)
})

t.test('000 line 13/16 "行政执法人员每人每年接受…培训": no credit between a departure and the re-join (OFFICER_DEPARTED)', async t => {
  const rejoined = { status: 'active' as const, departedOn: null, gaps: [{ from: '2025-03-01', to: '2026-06-01' }] }
  const cases: Array<[string, boolean, string]> = [
    ['2025-02-28', true, 'the last day of the first stint'],
    ['2025-03-01', false, 'the day of leaving'],
    ['2025-12-01', false, 'while gone'],
    ['2026-05-31', false, 'the day before the new stint'],
    ['2026-06-01', true, 'the first day of the new stint'],
    ['2026-11-01', true, 'during the new stint']
  ]
  for (const [day, want, why] of cases) {
    t.equal(creditableOn(rejoined, day), want, why)
    t.equal(attendanceOutcome(rejoined, false, day), want ? 'recorded' : 'officer_departed', `attendance: ${why}`)
  }
})
