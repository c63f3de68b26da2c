// GB 11643-1999 citizen identity numbers, and masking of personal data for lists and logs
// (个人信息保护法: show only what the reader needs).
import { addYears, compareDates, isIsoDate } from './dates.js'
import type { IsoDate } from './dates.js'

export type Sex = 'male' | 'female'

export type IdNumberCheck =
  | { ok: true, idNumber: string, birthDate: IsoDate, sex: Sex }
  | { ok: false, code: 'ID_NUMBER_INVALID', reason: string }

// ISO 7064 MOD 11-2 written out as the standard prints it: weight i = 2^(17-i) mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'

/** The reasons checkIdNumber gives, bilingual because they reach clerks as the problem detail. */
export const ID_REASONS = {
  length: 'must be 18 characters / 应为18位',
  body: 'the first 17 characters must be digits / 前17位应为数字',
  checkFormat: 'the last character must be a digit or X / 末位应为数字或X',
  province: 'the first two digits are not a province code / 前两位不是省级行政区划代码',
  birthDate: 'the birth date does not exist / 出生日期不存在',
  birthTooEarly: 'the birth date is before 1900 / 出生日期早于1900年',
  birthFuture: 'the birth date is in the future / 出生日期晚于今天',
  underSixteen: 'the person is under 16 / 出生日期表明未满16周岁',
  checkChar: 'the check character does not match / 校验码错误'
} as const

// The province-level codes (GB/T 2260) an ID number begins with: 11–15 north, 21–23 north-east,
// 31–37 east, 41–46 centre and south, 50–54 south-west, 61–65 north-west, 71 Taiwan, 81 Hong
// Kong, 82 Macao.
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82'])

/** The earliest birth date accepted: nobody born before 1900 is an officer. */
export const EARLIEST_BIRTH_DATE: IsoDate = '1900-01-01'
/** The youngest an officer can be: nobody under 16 may be employed (劳动法 第十五条). */
export const MINIMUM_AGE = 16

/** Returns the number trimmed, with a lowercase check 'x' made uppercase. */
export function normalizeIdNumber (s: string): string {
  return s.trim().toUpperCase()
}

/** Returns the GB 11643 check character for 17 digits; throws RangeError on anything else. */
export function idNumberCheckChar (body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new RangeError('need 17 digits')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * (WEIGHTS[i] as number)
  return CHECK_CHARS[sum % 11] as string
}

/**
 * Returns the normalised number with its birth date and sex, or the reason it is invalid
 * (callers answer ID_NUMBER_INVALID): malformed, a region outside the province codes, a birth
 * date that does not exist, is before 1900 or after today, a holder under 16, a wrong check
 * character. `today` is the Shanghai date the check is made on.
 */
export function checkIdNumber (s: string, today: IsoDate): IdNumberCheck {
  const id = normalizeIdNumber(s)
  const no = (reason: string): IdNumberCheck => ({ ok: false, code: 'ID_NUMBER_INVALID', reason })
  if (id.length !== 18) return no(ID_REASONS.length)
  const body = id.slice(0, 17)
  if (!/^\d{17}$/.test(body)) return no(ID_REASONS.body)
  if (!/^[\dX]$/.test(id.slice(17))) return no(ID_REASONS.checkFormat)
  if (!PROVINCES.has(id.slice(0, 2))) return no(ID_REASONS.province)
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!isIsoDate(birthDate)) return no(ID_REASONS.birthDate)
  if (compareDates(birthDate, EARLIEST_BIRTH_DATE) < 0) return no(ID_REASONS.birthTooEarly)
  if (compareDates(birthDate, today) > 0) return no(ID_REASONS.birthFuture)
  // Born on the same day 16 years before, one is 16 today. One born on 29 February turns 16 on
  // a 29 February (16 is a multiple of 4) but for a common century year (2100: 1 March).
  if (compareDates(birthDate, addYears(today, -MINIMUM_AGE)) > 0) return no(ID_REASONS.underSixteen)
  if (idNumberCheckChar(body) !== id[17]) return no(ID_REASONS.checkChar)
  // The 17th digit is the order code: odd for men, even for women.
  const sex: Sex = Number(id[16]) % 2 === 1 ? 'male' : 'female'
  return { ok: true, idNumber: id, birthDate, sex }
}

// Keeps `head` and `tail` characters and stars the rest; a value too short to keep
// both ends is starred entirely, so a malformed value never leaks whole.
function keepEnds (s: string, head: number, tail: number): string {
  const chars = Array.from(s)
  if (chars.length <= head + tail) return '*'.repeat(chars.length)
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('')
}

/** Returns the ID number with only the region (first 6) and last 4 shown: 110105********123X. */
export function maskIdNumber (s: string): string {
  return keepEnds(normalizeIdNumber(s), 6, 4)
}

/** Returns the first character of a name and one '*' per remaining character (张三 → 张*). */
export function maskName (name: string): string {
  // Array.from splits by code point: rare name characters (CJK Extension B, e.g. 𠇔) are two UTF-16 units.
  const chars = Array.from(name.trim())
  if (chars.length <= 1) return chars.join('')
  return (chars[0] as string) + '*'.repeat(chars.length - 1)
}

/** The name as the public pages (/public, /v1/public, /verify) show it, by PUBLIC_NAME_DISPLAY. */
export function publicName (name: string, display: 'full' | 'masked'): string {
  return display === 'masked' ? maskName(name) : name
}

/** Returns a phone number with its first 3 and last 4 characters shown: 138****5678. */
export function maskPhone (phone: string): string {
  return keepEnds(phone.trim(), 3, 4)
}
