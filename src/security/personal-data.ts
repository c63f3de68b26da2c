// Personal data: who may see an ID number whole, and how records that outlive the request (the
// audit trail) keep ID numbers masked. The trail is append-only and hash-chained, so a number
// written in clear could never be removed again; a masked one still shows that, and roughly
// how, it changed.
import { maskIdNumber } from '../domain/identity.js'
import type { Role } from './roles.js'

// Fields holding an ID number, as the services name them.
const ID_NUMBER_KEYS = new Set(['idNumber', 'id_number'])

/** Returns a copy of `value` (plain JSON data) with every ID-number field masked
 *  (110105********123X), at any depth; other values are returned as they are. */
export function maskPersonalData<T> (value: T): T {
  return mask(value, 0) as T
}

function mask (value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value
  if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1))
  if (value instanceof Date || Buffer.isBuffer(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    out[k] = ID_NUMBER_KEYS.has(k) && typeof v === 'string' ? maskIdNumber(v) : mask(v, depth + 1)
  }
  return out
}

/** Who may see an ID number whole: admin and clerk (司法局), on a single-officer read; HR
 *  systems and auditors see it masked, and lists are masked for everyone. */
export function mayRevealIdNumber (role: Role): boolean {
  return role === 'admin' || role === 'clerk'
}
