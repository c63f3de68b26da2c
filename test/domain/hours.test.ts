import t from 'tap'
import {
  formatHours, hoursToUnits, minutesToUnits, recordUnits, UNITS_PER_HOUR, UNITS_PER_MINUTE, unitsToHours
} from '../../src/domain/hours.js'

t.test('the unit: 1/90 学时', async t => {
  t.equal(UNITS_PER_HOUR, 90)
  t.equal(UNITS_PER_MINUTE, 2)
  t.equal(minutesToUnits(45), UNITS_PER_HOUR, '45 minutes = 1 学时')
})

t.test('hoursToUnits accepts at most one decimal place', async t => {
  const ok: Array<[string | number, number]> = [
    [0, 0],
    ['0', 0],
    [-0, 0],
    [0.1, 9],
    ['0.1', 9],
    [1, 90],
    [1.5, 135],
    ['1.5', 135],
    ['1.50', 135],
    ['1.0', 90],
    [' 2.5 ', 225],
    [30, 2700],
    ['007', 630],
    [12345.6, 1111104]
  ]
  for (const [h, units] of ok) t.same(hoursToUnits(h), { ok: true, units }, JSON.stringify(h))
})

t.test('hoursToUnits refusals', async t => {
  const bad: Array<[string | number, string]> = [
    [0.15, 'too_many_decimals'],
    ['0.15', 'too_many_decimals'],
    ['0.105', 'too_many_decimals'],
    [0.1 + 0.2, 'too_many_decimals'],
    [1e-7, 'too_many_decimals'],
    [-1, 'negative'],
    [-0.1, 'negative'],
    ['-1', 'negative'],
    ['-0.5', 'negative'],
    [Number.NaN, 'not_a_number'],
    [Infinity, 'not_a_number'],
    ['', 'not_a_number'],
    ['abc', 'not_a_number'],
    ['1,5', 'not_a_number'],
    ['.5', 'not_a_number'],
    ['1.', 'not_a_number'],
    ['+1', 'not_a_number'],
    ['1e3', 'not_a_number'],
    [1e21, 'too_large'],
    [1e20, 'too_large'],
    ['99999999999999999', 'too_large']
  ]
  for (const [h, reason] of bad) t.same(hoursToUnits(h), { ok: false, reason }, `${JSON.stringify(h)} → ${reason}`)
})

t.test('300 records of 0.1 学时 are exactly 30 学时', async t => {
  let units = 0
  let float = 0
  for (let i = 0; i < 300; i++) {
    const r = hoursToUnits(0.1)
    if (r.ok) units += r.units
    float += 0.1
  }
  t.equal(units, 2700)
  t.equal(units, 30 * UNITS_PER_HOUR)
  t.not(float, 30, 'the float sum would have missed')
  t.equal(formatHours(units), '30')
})

t.test('minutes at 45 per 学时', async t => {
  const cases: Array<[number, number, string]> = [
    [0, 0, '0'],
    [1, 2, '0.02'],
    [45, 90, '1'],
    [90, 180, '2'],
    [100, 200, '2.22'],
    [1350, 2700, '30']
  ]
  for (const [minutes, units, shown] of cases) {
    t.equal(minutesToUnits(minutes), units, `${minutes} min`)
    t.equal(formatHours(units), shown, `${minutes} min shown`)
  }
  for (const m of [-1, 1.5, Number.NaN]) t.throws(() => minutesToUnits(m), RangeError, String(m))
})

t.test('recordUnits needs exactly one of hours and minutes', async t => {
  const cases: Array<[Parameters<typeof recordUnits>[0], unknown]> = [
    [{ hours: 2 }, { ok: true, units: 180, rule: 'hours' }],
    [{ hours: '0.1', minutes: null }, { ok: true, units: 9, rule: 'hours' }],
    [{ minutes: 45 }, { ok: true, units: 90, rule: 'minutes_45' }],
    [{ hours: null, minutes: 1350 }, { ok: true, units: 2700, rule: 'minutes_45' }],
    [{ minutes: 0 }, { ok: true, units: 0, rule: 'minutes_45' }],
    [{}, { ok: false, code: 'HOURS_OR_MINUTES', field: null, reason: 'give either hours or minutes, exactly one' }],
    [{ hours: null, minutes: null }, { ok: false, code: 'HOURS_OR_MINUTES', field: null, reason: 'give either hours or minutes, exactly one' }],
    [{ hours: 1, minutes: 45 }, { ok: false, code: 'HOURS_OR_MINUTES', field: null, reason: 'give either hours or minutes, exactly one' }],
    [{ hours: 0.15 }, { ok: false, code: 'VALIDATION_FAILED', field: 'hours', reason: 'hours take at most one decimal (0.1 学时 is 6 minutes); send minutes for a finer figure / 学时最多一位小数（0.1 学时即 6 分钟），更精确请填写 minutes（分钟）' }],
    [{ hours: -1 }, { ok: false, code: 'VALIDATION_FAILED', field: 'hours', reason: 'hours cannot be negative / 学时不能为负数' }],
    [{ minutes: -5 }, { ok: false, code: 'VALIDATION_FAILED', field: 'minutes', reason: 'minutes must be a whole number, 0 or more / 分钟须为非负整数' }],
    [{ minutes: 2.5 }, { ok: false, code: 'VALIDATION_FAILED', field: 'minutes', reason: 'minutes must be a whole number, 0 or more / 分钟须为非负整数' }]
  ]
  for (const [input, want] of cases) t.same(recordUnits(input), want, JSON.stringify(input))
})

t.test('display: unitsToHours and formatHours', async t => {
  const cases: Array<[number, number, string]> = [
    [0, 0, '0'],
    [1, 0.01, '0.01'],
    [2, 0.02, '0.02'],
    [9, 0.1, '0.1'],
    [45, 0.5, '0.5'],
    [89, 0.99, '0.99'],
    [90, 1, '1'],
    [1346, 14.96, '14.96'],
    [1347, 14.97, '14.97'],
    [2700, 30, '30'],
    [2709, 30.1, '30.1'],
    [-9, -0.1, '-0.1'],
    [-2700, -30, '-30']
  ]
  for (const [units, hours, text] of cases) {
    t.equal(unitsToHours(units), hours, `${units} units as number`)
    t.equal(formatHours(units), text, `${units} units as text`)
  }
  t.throws(() => formatHours(1.5), RangeError)
})
