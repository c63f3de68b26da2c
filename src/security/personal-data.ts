// Personal data: who may see an ID number whole, and how records that outlive the request (the
// audit trail) keep ID numbers and phones masked. The trail is append-only and hash-chained, so
// a number written in clear could never be removed again; a masked one still shows that, and
// roughly how, it changed.
import { maskIdNumber, maskPhone } from '../domain/identity.js'
import type { Role } from './roles.js'

// Fields holding an ID number or a phone, as the services and the tables name them.
const MASKS: Record<string, (v: string) => string> = { idNumber: maskIdNumber, id_number: maskIdNumber, phone: maskPhone }

/** Returns a copy of `value` (plain JSON data) with every ID-number field (110105********123X)
 *  and phone field (138****5678) masked, at any depth; other values are returned as they are. */
export function maskPersonalData<T> (value: T): T {
  return mask(value, 0) as T
}

function mask (value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value
  if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1))
  if (value instanceof Date || Buffer.isBuffer(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const masked = Object.hasOwn(MASKS, k) ? MASKS[k] : undefined
    out[k] = masked !== undefined && typeof v === 'string' ? masked(v) : mask(v, depth + 1)
  }
  return out
}

/** Who may see an ID number whole: admin and clerk (司法局), on a single-officer read; HR
 *  systems and auditors see it masked, and lists are masked for everyone. */
export function mayRevealIdNumber (role: Role): boolean {
  return role === 'admin' || role === 'clerk'
}
