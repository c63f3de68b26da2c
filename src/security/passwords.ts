// Passwords and client secrets are stored as scrypt hashes (node:crypto), never in clear.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** scrypt's cost (N) for new hashes; a hash keeps the cost it was made with, so a stored hash
 *  verifies whatever the cost is now. Tests make theirs cheaper (AppDeps.secretCost). */
export const SECRET_COST = 16384
const R = 8
const P = 1
const KEYLEN = 32

function scrypt (secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(secret.normalize('NFKC'), salt, keylen, opts, (err, key) => { if (err) reject(err); else resolve(key) })
  })
}

/** Hashes a secret as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashSecret (secret: string, cost = SECRET_COST): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(secret, salt, KEYLEN, { N: cost, r: R, p: P })
  return ['scrypt', cost, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

// Verifying against this when an account does not exist keeps the answer's timing the same,
// so response times do not tell which usernames exist.
const DUMMY = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'

/** True when `secret` matches `stored`; compares in constant time. A null `stored` costs the same and is false. */
export async function verifySecret (secret: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY).split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) })
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected)
}

/** A random secret for clients and generated passwords: 32 bytes, base64url. */
export function randomSecret (bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}
