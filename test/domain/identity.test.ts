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
    ['440524188001010014', '440524188001010014', '1880-01-01', 'male'],
    ['140802200002290114', '140802200002290114', '2000-02-29', 'male'],
    [withCheck('31010120250601004'), withCheck('31010120250601004'), '2025-06-01', 'female'],
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
    ['110105194902300020', ID_REASONS.birthDate],
    ['110105202302290020', ID_REASONS.birthDate],
    ['110105194913010020', ID_REASONS.birthDate],
    [withCheck('31010120250602004'), ID_REASONS.birthFuture],
    ['110105194912310021', ID_REASONS.checkChar],
    ['110105194912310020', ID_REASONS.checkChar]
  ]
  for (const [input, reason] of cases) {
    t.same(checkIdNumber(input, TODAY), { ok: false, code: 'ID_NUMBER_INVALID', reason }, `${input} → ${reason}`)
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
