// Webhooks' rules (Standard Webhooks, https://www.standardwebhooks.com/): the secret's form, the
// signature, which events a subscription asks for, where deliveries may go, and when a failed
// delivery is tried again. Pure: time and random bytes are passed in.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** A secret reads `whsec_` + base64 of its key bytes (24 to 64 of them). */
export const SECRET_PREFIX = 'whsec_'

/** The secret made from `key` (random bytes: 32 when the service makes one). */
export const formatSecret = (key: Buffer): string => SECRET_PREFIX + key.toString('base64')

/** The HMAC key a secret holds: the base64 after `whsec_` decoded. Throws on another form. */
export function secretKey (secret: string): Buffer {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret)
  const key = m === null ? undefined : Buffer.from(m[1] as string, 'base64')
  if (key === undefined || key.length < 24 || key.length > 64) throw new Error('not a webhook secret (whsec_ + base64 of 24 to 64 bytes)')
  return key
}

/** `webhook-signature`: `v1,` + base64 of HMAC-SHA256 over `${msgId}.${timestamp}.${body}`. */
export function signature (secret: string, msgId: string, timestamp: number, body: string): string {
  return 'v1,' + createHmac('sha256', secretKey(secret)).update(`${msgId}.${timestamp}.${body}`).digest('base64')
}

/** Whether a `webhook-signature` header (space-separated `v1,…` signatures) holds the right one. */
export function signatureMatches (secret: string, msgId: string, timestamp: number, body: string, header: string): boolean {
  const expected = Buffer.from(signature(secret, msgId, timestamp, body))
  return header.split(' ').some((s) => { const given = Buffer.from(s); return given.length === expected.length && timingSafeEqual(given, expected) })
}

/** `webhook-id`: the same for every attempt and replay of one event to one subscription. */
export const messageId = (webhookId: number, eventId: number): string => `msg_${webhookId}_${eventId}`

// --- which events --------------------------------------------------------------------------

/**
 * A subscription's event filter as stored: each pattern as the feed names types (`prefix` +
 * `officer.registered`), an entity's wildcard (`prefix` + `certificate.*`) or `*` (all).
 * Patterns may be given with or without the prefix. Returns the index of the first pattern that
 * names no type (`bad`), or the patterns, each once, in their given order.
 */
export function normaliseEventPatterns (given: readonly string[], types: readonly string[], prefix: string): { patterns: string[] } | { bad: number } {
  const entities = new Set(types.map((t) => t.slice(0, t.indexOf('.'))))
  const patterns: string[] = []
  for (const [i, raw] of given.entries()) {
    const p = raw.startsWith(prefix) ? raw.slice(prefix.length) : raw
    const ok = p === '*' || types.includes(p) || (p.endsWith('.*') && entities.has(p.slice(0, -2)))
    if (!ok) return { bad: i }
    const stored = p === '*' ? '*' : prefix + p
    if (!patterns.includes(stored)) patterns.push(stored)
  }
  return { patterns }
}

/** Whether an event of `type` (as the feed names it) is one the patterns ask for. */
export function matchesEventType (patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))))
}

// --- where to --------------------------------------------------------------------------------

const LOOPBACK = new Set(['127.0.0.1', 'localhost'])

/** Why deliveries may not go to `url` (English / Chinese), or null: only https, except http to
 *  127.0.0.1 or localhost when `allowHttpLoopback` (tests, a receiver on the same machine). */
export function urlProblem (url: string, allowHttpLoopback: boolean): string | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'not an absolute URL / 不是完整的网址'
  }
  if (u.username !== '' || u.password !== '') return 'a URL may not carry a user or password / 网址不得包含用户名或密码'
  if (u.hash !== '') return 'a URL may not carry a #fragment / 网址不得包含 # 片段'
  if (u.protocol === 'https:') return null
  if (u.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(u.hostname)) return null
  return allowHttpLoopback
    ? 'must be https://, or http:// to 127.0.0.1 or localhost / 须为 https:// 网址（或本机 http://127.0.0.1）'
    : 'must be https:// / 须为 https:// 网址'
}

// --- when again ------------------------------------------------------------------------------

/** The waits after the 1st, 2nd, … failed attempt, in units of the base (5 s by default):
 *  5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every hour. */
const BACKOFF_STEPS = [1, 6, 24, 120, 360, 720] as const

/** How long to wait after failed attempt number `attempt` (1-based). */
export function retryDelayMs (attempt: number, baseMs: number): number {
  return baseMs * (BACKOFF_STEPS[Math.min(attempt, BACKOFF_STEPS.length) - 1] ?? 1)
}

/**
 * After failed attempt `attempt` at `now`, the first failure of this event having been at
 * `firstFailureAt`: the time of the next attempt, or `failing` once `windowMs` has passed since
 * the first failure (the next attempt would fall after it).
 */
export function afterFailure (attempt: number, firstFailureAt: Date, now: Date, baseMs: number, windowMs: number): { readonly next: Date } | { readonly failing: true } {
  const next = now.getTime() + retryDelayMs(attempt, baseMs)
  return next > firstFailureAt.getTime() + windowMs ? { failing: true } : { next: new Date(next) }
}
