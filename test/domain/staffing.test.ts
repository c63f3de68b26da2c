import t from 'tap'
import { evaluateStaffing } from '../../src/domain/staffing.js'

t.test('reviewers >= 5% of officers, in integers', async t => {
  const cases: Array<[number, number, number, number, boolean]> = [
    // officers, reviewers → required, shortfall, compliant
    [0, 0, 0, 0, true],
    [0, 3, 0, 0, true],
    [1, 0, 1, 1, false],
    [1, 1, 1, 0, true],
    [20, 1, 1, 0, true],
    [21, 1, 2, 1, false],
    [21, 2, 2, 0, true],
    [40, 2, 2, 0, true],
    [41, 2, 3, 1, false],
    [100, 4, 5, 1, false],
    [100, 5, 5, 0, true],
    [100, 9, 5, 0, true],
    [8854, 442, 443, 1, false],
    [8854, 443, 443, 0, true]
  ]
  for (const [officers, reviewers, required, shortfall, compliant] of cases) {
    t.same(evaluateStaffing({ officers, reviewers }), { officers, reviewers, required, shortfall, compliant }, `${reviewers}/${officers}`)
  }
})

t.test('counts must be whole numbers >= 0', async t => {
  const bad: Array<[number, number]> = [[-1, 0], [0, -1], [1.5, 0], [10, 0.5], [Number.NaN, 0], [Infinity, 0]]
  for (const [officers, reviewers] of bad) {
    t.throws(() => evaluateStaffing({ officers, reviewers }), RangeError, `${officers}, ${reviewers}`)
  }
})
