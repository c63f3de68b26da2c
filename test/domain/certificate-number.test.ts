import t from 'tap'
import {
  checkCertificateNumber, formatCertificateNumber, mod11CheckChar, normalizeCertificateNumber, parseCertificateNumber
} from '../../src/domain/certificate-number.js'
import { idNumberCheckChar } from '../../src/domain/identity.js'

// ISO 7064 MOD 11-2 by its weights (2^k mod 11, k counted from the check position),
// written independently of the recursive form under test.
function referenceCheck (digits: string): string {
  let sum = 0
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (2 ** (digits.length - i) % 11)
  const c = (12 - (sum % 11)) % 11
  return c === 10 ? 'X' : String(c)
}

t.test('format: region + year + 5-digit sequence + check', async t => {
  const cases: Array<[string, number, number, string]> = [
    ['140802', 2025, 17, '140802202500017'],
    ['110105', 2024, 1, '110105202400001'],
    ['440300', 2023, 99999, '440300202399999'],
    ['000000', 1000, 1, '000000100000001']
  ]
  for (const [regionCode, year, seq, body] of cases) {
    const n = formatCertificateNumber({ regionCode, year, seq })
    t.equal(n, body + referenceCheck(body), n)
    t.equal(n.length, 16)
    t.same(parseCertificateNumber(n), { regionCode, year, seq }, `parse ${n}`)
  }
})

t.test('the check is the one of the ID number (same MOD 11-2)', async t => {
  for (const body of ['11010519491231002', '44052418800101001', '14080220000229011']) {
    t.equal(mod11CheckChar(body), idNumberCheckChar(body), body)
  }
  t.throws(() => mod11CheckChar('12a'), RangeError)
  t.throws(() => mod11CheckChar(''), RangeError)
})

t.test('format refuses parts out of range', async t => {
  const bad = [
    { regionCode: '14080', year: 2025, seq: 1 },
    { regionCode: '1408021', year: 2025, seq: 1 },
    { regionCode: '14080a', year: 2025, seq: 1 },
    { regionCode: '140802', year: 999, seq: 1 },
    { regionCode: '140802', year: 10000, seq: 1 },
    { regionCode: '140802', year: 2025.5, seq: 1 },
    { regionCode: '140802', year: 2025, seq: 0 },
    { regionCode: '140802', year: 2025, seq: 100000 },
    { regionCode: '140802', year: 2025, seq: 1.5 }
  ]
  for (const parts of bad) t.throws(() => formatCertificateNumber(parts), RangeError, JSON.stringify(parts))
})

// Sequences whose number ends in X, to prove the check letter works both ways.
const withX = Array.from({ length: 2000 }, (_, i) => formatCertificateNumber({ regionCode: '140802', year: 2025, seq: i + 1 }))
  .filter(n => n.endsWith('X'))

t.test('check accepts issued numbers, lowercase x and surrounding spaces', async t => {
  t.ok(withX.length > 0, 'some numbers end in X')
  const x = withX[0] as string
  const cases: Array<[string, boolean]> = [
    [formatCertificateNumber({ regionCode: '140802', year: 2025, seq: 17 }), true],
    [x, true],
    [x.toLowerCase(), true],
    [` ${x}\n`, true],
    ['', false],
    ['140802202500017', false],
    ['14080220250001700', false],
    ['1408022025A0017' + referenceCheck('140802202500017'), false],
    ['140802202500017Y', false]
  ]
  for (const [s, want] of cases) t.equal(checkCertificateNumber(s), want, JSON.stringify(s))
  t.equal(normalizeCertificateNumber(` ${x.toLowerCase()} `), x)
})

t.test('parse refuses numbers the service never issues, even with a right check', async t => {
  for (const body of ['140802202500000', '140802099900001']) {
    t.equal(parseCertificateNumber(body + referenceCheck(body)), null, body)
  }
})

// Every single-character substitution and every adjacent transposition of two different
// characters, over many numbers (including ones ending in X).
function typos (n: string): string[] {
  const out: string[] = []
  const alphabet = '0123456789X'
  for (let i = 0; i < n.length; i++) {
    for (const c of alphabet) {
      if (c !== n[i]) out.push(n.slice(0, i) + c + n.slice(i + 1))
    }
  }
  return out
}
function transpositions (n: string): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < n.length; i++) {
    if (n[i] !== n[i + 1]) out.push(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2))
  }
  return out
}

t.test('every single-character typo is rejected', async t => {
  const samples = [formatCertificateNumber({ regionCode: '140802', year: 2025, seq: 17 }), ...withX.slice(0, 20)]
  for (let seq = 1; seq <= 99999; seq += 997) samples.push(formatCertificateNumber({ regionCode: '320583', year: 2024, seq }))
  let tried = 0
  let accepted = 0
  for (const n of samples) {
    for (const bad of typos(n)) {
      tried++
      if (checkCertificateNumber(bad)) accepted++
    }
  }
  t.equal(accepted, 0, `${tried} substitutions`)
  t.equal(typos('1408022025000179').length, 16 * 10, 'each position × each other character')
})

t.test('every adjacent transposition is rejected', async t => {
  const samples = [formatCertificateNumber({ regionCode: '140802', year: 2025, seq: 17 }), ...withX.slice(0, 20)]
  for (let seq = 1; seq <= 99999; seq += 997) samples.push(formatCertificateNumber({ regionCode: '320583', year: 2024, seq }))
  let tried = 0
  let accepted = 0
  for (const n of samples) {
    for (const bad of transpositions(n)) {
      tried++
      if (checkCertificateNumber(bad)) accepted++
    }
  }
  t.ok(tried > samples.length * 10, `${tried} transpositions`)
  t.equal(accepted, 0)
})
