import t from 'tap'
import {
  checkIdNumber, ID_REASONS, idNumberCheckChar, maskIdNumber, maskName, maskPhone, normalizeIdNumber
} from '../../src/domain/identity.js'

const TODAY = '2025-06-01'
// Written from GB 11643 independently of the code under test.
const withCheck = (body: string): string => {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, c, i) => s + Number(c) * (w[i] as number), 0)
  return body + '10X98765432'[sum % 11]
}

t.test('valid numbers give birth date, sex and the normalised number', async t => {
  const cases: Array<[string, string, string, 'male' | 'female']> = [
    // the worked example printed in GB 11643
    ['11010519491231002X', '11010519491231002X', '1949-12-31', 'female'],
    ['11010519491231002x', '11010519491231002X', '1949-12-31', 'female'],
    [' 11010519491231002X\n', '11010519491231002X', '1949-12-31', 'female'],
    ['140802200002290114', '140802200002290114', '2000-02-29', 'male'],
    [withCheck('44052419000101001'), withCheck('44052419000101001'), '1900-01-01', 'male'],
    // 16 today: born on the same day 16 years before
    [withCheck('31010120090601004'), withCheck('31010120090601004'), '2009-06-01', 'female'],
    [withCheck('31010119900307021'), withCheck('31010119900307021'), '1990-03-07', 'male']
  ]
  for (const [input, idNumber, birthDate, sex] of cases) {
    t.same(checkIdNumber(input, TODAY), { ok: true, idNumber, birthDate, sex }, input)
  }
})

t.test('every refusal reason', async t => {
  const cases: Array<[string, string]> = [
    ['1101051949123100', ID_REASONS.length],
    ['11010519491231002XX', ID_REASONS.length],
    ['', ID_REASONS.length],
    ['1101051949123A002X', ID_REASONS.body],
    ['11010519491231002Y', ID_REASONS.checkFormat],
    ['000105194912310021', ID_REASONS.province],
    ['990000198805120011', ID_REASONS.province],
    ['110105194902300020', ID_REASONS.birthDate],
    ['110105202302290020', ID_REASONS.birthDate],
    ['110105194913010020', ID_REASONS.birthDate],
    ['440524188001010014', ID_REASONS.birthTooEarly],
    [withCheck('44052418991231001'), ID_REASONS.birthTooEarly],
    [withCheck('31010120250602004'), ID_REASONS.birthFuture],
    [withCheck('31010120250601004'), ID_REASONS.underSixteen],
    [withCheck('31010120090602004'), ID_REASONS.underSixteen],
    ['110105194912310021', ID_REASONS.checkChar],
    ['110105194912310020', ID_REASONS.checkChar]
  ]
  for (const [input, reason] of cases) {
    t.same(checkIdNumber(input, TODAY), { ok: false, code: 'ID_NUMBER_INVALID', reason }, `${input} → ${reason}`)
  }
})

t.test('the first two digits name a province: every code of the list, and no other', async t => {
  const provinces = ['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
    '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82']
  for (let n = 0; n < 100; n++) {
    const code = String(n).padStart(2, '0')
    const check = checkIdNumber(withCheck(`${code}010119880512001`), TODAY)
    t.same(check.ok ? 'ok' : check.reason, provinces.includes(code) ? 'ok' : ID_REASONS.province, code)
  }
})

t.test('16 or older on the day of the check, 29 February included', async t => {
  const cases: Array<[string, string, boolean]> = [
    // born 29 February 2008: 16 on 29 February 2024, not the day before
    ['20080229', '2024-02-28', false],
    ['20080229', '2024-02-29', true],
    ['20080228', '2024-02-28', true],
    ['20080301', '2024-02-29', false],
    ['20080301', '2024-03-01', true],
    // in a common year today 16 years back is the same day
    ['20090228', '2025-02-28', true],
    ['20090301', '2025-02-28', false],
    // 2100 has no 29 February: one born on 29 February 2084 is 16 on 1 March 2100
    ['20840229', '2100-02-28', false],
    ['20840229', '2100-03-01', true]
  ]
  for (const [birth, today, ok] of cases) {
    const check = checkIdNumber(withCheck(`110105${birth}001`), today)
    t.same(check.ok ? 'ok' : check.reason, ok ? 'ok' : ID_REASONS.underSixteen, `born ${birth}, on ${today}`)
  }
})

t.test('idNumberCheckChar matches the standard and refuses non-digits', async t => {
  for (const body of ['11010519491231002', '44052418800101001', '00000000000000000', '99999999999999999']) {
    t.equal(body + idNumberCheckChar(body), withCheck(body), body)
  }
  t.throws(() => idNumberCheckChar('1101051949123100'), RangeError)
  t.throws(() => idNumberCheckChar('1101051949123100X'), RangeError)
})

t.test('normalizeIdNumber trims and upper-cases', async t => {
  t.equal(normalizeIdNumber(' 11010519491231002x '), '11010519491231002X')
})

t.test('maskIdNumber shows region and last 4', async t => {
  const cases: Array<[string, string]> = [
    ['11010519491231002X', '110105********002X'],
    ['11010519491231002x', '110105********002X'],
    ['110105491231002', '110105*****1002'],
    ['1234567890', '**********'],
    ['12345', '*****']
  ]
  for (const [input, want] of cases) t.equal(maskIdNumber(input), want, input)
})

t.test('maskName keeps the first character', async t => {
  const cases: Array<[string, string]> = [
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['李', '李'],
    ['', ''],
    [' 王五 ', '王*'],
    ['𠇔三', '𠇔*'],
    ['王𠇔', '王*']
  ]
  for (const [input, want] of cases) t.equal(maskName(input), want, input)
})

t.test('maskPhone keeps first 3 and last 4', async t => {
  const cases: Array<[string, string]> = [
    ['13812345678', '138****5678'],
    [' 13812345678 ', '138****5678'],
    ['010-12345678', '010*****5678'],
    ['1381234', '*******']
  ]
  for (const [input, want] of cases) t.equal(maskPhone(input), want, input)
})
