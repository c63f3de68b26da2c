// GB 32100-2015 统一社会信用代码 (unified social credit code) of an agency.

export type UsccCheck =
  | { ok: true, uscc: string }
  | { ok: false, code: 'USCC_INVALID', reason: string }

/** The 31 code characters: digits and capitals without I, O, Z, S and V (they read like 1, 0, 2, 5 and U). */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

// Weight of position i is 3^i mod 31 (GB 32100-2015, 4.3).
const WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1
  for (let k = 0; k < i; k++) w = (w * 3) % 31
  return w
})

/** The reasons checkUscc gives, bilingual because they reach clerks as the problem detail. */
export const USCC_REASONS = {
  length: 'must be 18 characters / 应为18位',
  charset: 'contains a character outside 0-9 and A-Y without I, O, S, V, Z / 含有不允许的字符',
  checkChar: 'the check character does not match / 校验码错误'
} as const

/** Returns the code trimmed and upper-cased: the form to store and compare for uniqueness. */
export function normalizeUscc (s: string): string {
  return s.trim().toUpperCase()
}

function isCodeText (s: string): boolean {
  return [...s].every(c => USCC_CHARSET.includes(c))
}

/** Returns the check character for a 17-character body; throws RangeError on a malformed body. */
export function usccCheckChar (body17: string): string {
  if (body17.length !== 17 || !isCodeText(body17)) throw new RangeError(`not a USCC body: ${body17}`)
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(body17[i] as string) * (WEIGHTS[i] as number)
  return USCC_CHARSET[(31 - (sum % 31)) % 31] as string
}

/** Returns the 17-character body with its check character appended (for seeds and tests); throws RangeError on a malformed body. */
export function withUsccCheck (body17: string): string {
  return body17 + usccCheckChar(body17)
}

/** Returns the normalised code, or why it is invalid (callers answer USCC_INVALID). */
export function checkUscc (s: string): UsccCheck {
  const code = normalizeUscc(s)
  const no = (reason: string): UsccCheck => ({ ok: false, code: 'USCC_INVALID', reason })
  if (code.length !== 18) return no(USCC_REASONS.length)
  if (!isCodeText(code)) return no(USCC_REASONS.charset)
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return no(USCC_REASONS.checkChar)
  return { ok: true, uscc: code }
}
