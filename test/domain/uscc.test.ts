import t from 'tap'
import { checkUscc, normalizeUscc, USCC_CHARSET, USCC_REASONS, usccCheckChar, withUsccCheck } from '../../src/domain/uscc.js'

// Port of uscc() in the external contract test (shared/contract/lib.mjs): registration
// authority 1 (机构编制), type 1 (机关), region, then a GB 11714 organisation code.
function contractUscc (region: string, n: number): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const org = String(n).padStart(8, '0')
  const ow = [3, 7, 9, 10, 5, 8, 4, 2]
  let os = 0
  for (let i = 0; i < 8; i++) os += parseInt(org[i] as string, 36) * (ow[i] as number)
  const oc = 11 - (os % 11)
  const body = `11${region}${org}${oc === 10 ? 'X' : oc === 11 ? '0' : String(oc)}`
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  let s = 0
  for (let i = 0; i < 17; i++) s += chars.indexOf(body[i] as string) * (w[i] as number)
  return body + chars[(31 - (s % 31)) % 31]
}

t.test('codes from business licences and from the contract generator validate', async t => {
  const published = ['91440300708461136T', '914403001922038216', '91330100716105852F', '91350100M000100Y43']
  for (const code of published) t.same(checkUscc(code), { ok: true, uscc: code }, code)
  t.equal(contractUscc('140802', 4242), '1114080200004242X9', 'port matches the contract smoke value')
  let failures = 0
  for (const region of ['140802', '110105', '440300', '000000']) {
    for (let n = 0; n < 2000; n++) {
      const code = contractUscc(region, n)
      if (!checkUscc(code).ok || withUsccCheck(code.slice(0, 17)) !== code) failures++
    }
  }
  t.equal(failures, 0, '8000 generated codes, including ones with X inside the body')
})

t.test('input is trimmed and upper-cased', async t => {
  t.same(checkUscc(' 91350100m000100y43 '), { ok: true, uscc: '91350100M000100Y43' })
  t.equal(normalizeUscc(' 1114080200004242x9\t'), '1114080200004242X9')
})

t.test('every refusal reason', async t => {
  const cases: Array<[string, string]> = [
    ['91350100M000100Y4', USCC_REASONS.length],
    ['91350100M000100Y433', USCC_REASONS.length],
    ['', USCC_REASONS.length],
    ['91350100I000100Y43', USCC_REASONS.charset],
    ['91350100O000100Y43', USCC_REASONS.charset],
    ['91350100Z000100Y43', USCC_REASONS.charset],
    ['91350100S000100Y43', USCC_REASONS.charset],
    ['91350100V000100Y43', USCC_REASONS.charset],
    ['91350100M000100Y4-', USCC_REASONS.charset],
    ['91350100M000100Y44', USCC_REASONS.checkChar],
    ['91350100M000100Y34', USCC_REASONS.checkChar]
  ]
  for (const [code, reason] of cases) {
    t.same(checkUscc(code), { ok: false, code: 'USCC_INVALID', reason }, `${code} → ${reason}`)
  }
})

t.test('every single-character substitution is caught', async t => {
  const code = '91350100M000100Y43'
  let missed = 0
  for (let i = 0; i < 18; i++) {
    for (const c of USCC_CHARSET) {
      if (c === code[i]) continue
      if (checkUscc(code.slice(0, i) + c + code.slice(i + 1)).ok) missed++
    }
  }
  t.equal(missed, 0)
})

t.test('usccCheckChar refuses malformed bodies', async t => {
  t.equal(usccCheckChar('11000000000000000'), 'U')
  for (const body of ['1100000000000000', '110000000000000000', '1100000000000000I']) {
    t.throws(() => withUsccCheck(body), RangeError, body)
  }
})
