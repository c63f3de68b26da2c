import t from 'tap'
import { examHeldBy, examOutcome } from '../../src/domain/exams.js'

t.test('a score passes at or above the pass mark; a claimed outcome must agree', async (t) => {
  const cases: Array<[number, number, boolean | undefined, ReturnType<typeof examOutcome>]> = [
    // score, pass mark, claimed → outcome
    [60, 60, undefined, { ok: true, passed: true }],
    [59, 60, undefined, { ok: true, passed: false }],
    [100, 60, true, { ok: true, passed: true }],
    [0, 60, false, { ok: true, passed: false }],
    [0, 0, undefined, { ok: true, passed: true }],
    [75, 80, undefined, { ok: true, passed: false }],
    [59, 60, true, { ok: false, reason: 'passed=true contradicts score 59 with pass mark 60' }],
    [60, 60, false, { ok: false, reason: 'passed=false contradicts score 60 with pass mark 60' }]
  ]
  for (const [score, passMark, claimed, outcome] of cases) {
    t.same(examOutcome(score, passMark, claimed), outcome, `${score}/${passMark} claimed ${String(claimed)}`)
  }
})

t.test('an exam has been held from its own day on', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['2026-05-20', '2026-05-19', false],
    ['2026-05-20', '2026-05-20', true],
    ['2026-05-20', '2026-05-21', true],
    ['2026-12-31', '2027-01-01', true],
    ['2027-01-01', '2026-12-31', false]
  ]
  for (const [exam, day, held] of cases) t.equal(examHeldBy(exam, day), held, `${exam} by ${day}`)
  t.throws(() => examHeldBy('2026-02-30', '2026-03-01'), RangeError)
})
