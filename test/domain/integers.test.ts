import t from 'tap'
import { ceilDiv, roundDiv, wholeNumber } from '../../src/domain/integers.js'

t.test('ceilDiv and roundDiv stay in integers', async t => {
  const cases: Array<[number, number, number, number]> = [
    // a, b → ceil, round half up
    [0, 20, 0, 0],
    [1, 20, 1, 0],
    [10, 20, 1, 1],
    [20, 20, 1, 1],
    [21, 20, 2, 1],
    [2700 * 182, 365, 1347, 1346],
    [Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
  ]
  for (const [a, b, ceil, round] of cases) {
    t.equal(ceilDiv(a, b), ceil, `ceil ${a}/${b}`)
    t.equal(roundDiv(a, b), round, `round ${a}/${b}`)
  }
})

t.test('wholeNumber', async t => {
  t.equal(wholeNumber('n', 0), 0)
  t.equal(wholeNumber('n', 42), 42)
  for (const n of [-1, 0.5, Number.NaN, Infinity, 2 ** 53]) t.throws(() => wholeNumber('n', n), RangeError, String(n))
})
