// Certificate numbers the service assigns: 6-digit region code + 4-digit year of issue +
// 5-digit sequence + 1 check character, e.g. 1408022025000017. The check character is
// ISO 7064 MOD 11-2 (the scheme of the resident ID number, so clerks know its 'X'): with a
// prime modulus and weights that are distinct and non-zero mod 11, every single-character
// typo and every swap of two adjacent different characters changes the checksum, which
// matters because members of the public type the number in to verify a card.

export interface CertificateNumberParts {
  /** 6-digit administrative division code of the issuing 司法局. */
  regionCode: string
  /** Year of issue, 1000-9999. */
  year: number
  /** Sequence within region and year, 1-99999. */
  seq: number
}

const NUMBER = /^(\d{6})(\d{4})(\d{5})([\dX])$/

/** The last sequence number a region can give in a year (five digits). */
export const MAX_SEQUENCE = 99999

/** Returns the MOD 11-2 check character ('0'-'9' or 'X') of a digit string; throws RangeError on non-digits. */
export function mod11CheckChar (digits: string): string {
  if (!/^\d+$/.test(digits)) throw new RangeError('need digits')
  let p = 0
  for (const c of digits) p = ((p + Number(c)) * 2) % 11
  const check = (12 - p) % 11
  return check === 10 ? 'X' : String(check)
}

function inRange ({ regionCode, year, seq }: CertificateNumberParts): boolean {
  return /^\d{6}$/.test(regionCode) &&
    Number.isInteger(year) && year >= 1000 && year <= 9999 &&
    Number.isInteger(seq) && seq >= 1 && seq <= MAX_SEQUENCE
}

/**
 * Returns the 16-character certificate number. Throws RangeError when a part is out of
 * range: the sequence allocator must never hand out 0 or more than 99999 in a year.
 */
export function formatCertificateNumber (parts: CertificateNumberParts): string {
  if (!inRange(parts)) throw new RangeError(`certificate number parts out of range: ${JSON.stringify(parts)}`)
  const body = parts.regionCode + String(parts.year) + String(parts.seq).padStart(5, '0')
  return body + mod11CheckChar(body)
}

/** Returns the number trimmed and with a lowercase check 'x' made uppercase: the stored form. */
export function normalizeCertificateNumber (s: string): string {
  return s.trim().toUpperCase()
}

/** Returns the region, year and sequence of a well-formed number with a correct check character, else null. */
export function parseCertificateNumber (s: string): CertificateNumberParts | null {
  const m = NUMBER.exec(normalizeCertificateNumber(s))
  if (m === null) return null
  const [, regionCode = '', year, seq, check] = m
  if (mod11CheckChar(regionCode + (year as string) + (seq as string)) !== check) return null
  const parts = { regionCode, year: Number(year), seq: Number(seq) }
  return inRange(parts) ? parts : null
}

/** Returns true when `s` has a certificate number's form (16 characters: 15 digits, then a
 *  digit or X), whether or not its check character matches. */
export function hasCertificateNumberForm (s: string): boolean {
  return NUMBER.test(normalizeCertificateNumber(s))
}

/** Returns true when `s` is a number this service could have issued (lowercase 'x' accepted). */
export function checkCertificateNumber (s: string): boolean {
  return parseCertificateNumber(s) !== null
}
