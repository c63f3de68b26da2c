import t from 'tap'
import { evaluateStaffing } from '../../src/domain/staffing.js'

t.test('002 line 39 (item 11) "法制审核人员不少于本单位执法人员总数5%": reviewers >= 5% of the headcount, in integers', async t => {
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
    t.same(evaluateStaffing({ officers, certified: 0, reviewers }), { officers, certified: 0, reviewers, required, shortfall, compliant }, `${reviewers}/${officers}`)
  }
})

t.test('counts must be whole numbers >= 0', async t => {
  const bad: Array<[number, number, number]> = [[-1, 0, 0], [0, -1, 0], [1.5, 0, 0], [10, 0.5, 0], [Number.NaN, 0, 0], [Infinity, 0, 0], [10, 1, -1], [10, 1, 0.5]]
  for (const [officers, reviewers, certified] of bad) {
    t.throws(() => evaluateStaffing({ officers, certified, reviewers }), RangeError, `${officers}, ${reviewers}, ${certified}`)
  }
})

t.test('001 line 27 "不少于执法人员5%的比例": the base is heads, whatever their cards; certified is shown beside and changes nothing', async t => {
  const cases: Array<[number, number, number, number, boolean, string]> = [
    // officers (heads), certified, reviewers → required, compliant
    [40, 40, 2, 2, true, 'every officer certified'],
    [40, 0, 2, 2, true, 'a batch of cards expired together: the same 40 people still need 2 reviewers'],
    [40, 0, 1, 2, false, 'and one reviewer is still short, cards or not'],
    [30, 10, 1, 2, false, '30 heads of whom 10 certified: 2 reviewers, not 1'],
    [13, 0, 1, 1, true, 'a 公安局 of 13 police (no registry cards): 1 reviewer']
  ]
  for (const [officers, certified, reviewers, required, compliant, why] of cases) {
    const r = evaluateStaffing({ officers, certified, reviewers })
    t.same([r.certified, r.required, r.compliant], [certified, required, compliant], why)
  }
})
