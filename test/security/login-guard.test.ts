// The back-off after failed sign-ins, driven with explicit times.
import t from 'tap'
import { createLoginGuard } from '../../src/security/login-guard.js'

const S = 1000
const options = { maxFailures: 5, windowMs: 900 * S, lockoutMs: 60 * S, maxLockoutMs: 3600 * S }

/** One complete attempt: begin, then the outcome; returns the verdict of begin. */
function attempt (guard: ReturnType<typeof createLoginGuard>, name: string, at: number, ok: boolean) {
  const v = guard.begin(name, at)
  if (v.allowed) {
    if (ok) guard.succeeded(name, at)
    else guard.failed(name, at)
  }
  return v
}

t.test('five failures lock the name, even against the right password, for a delay that doubles', async (t) => {
  const g = createLoginGuard(options)
  for (let i = 0; i < 4; i++) t.ok(attempt(g, 'user:li', i * S, false).allowed, `failure ${i + 1} allowed`)
  t.ok(attempt(g, 'user:li', 4 * S, false).allowed, 'the fifth attempt is made')
  t.same(attempt(g, 'user:li', 5 * S, true), { allowed: false, retryAfterSeconds: 59, reason: 'locked' }, 'then locked, right password or not')
  t.ok(attempt(g, 'user:other', 5 * S, true).allowed, 'other names are not affected')
  t.notOk(attempt(g, 'user:li', 63 * S, true).allowed, 'still locked just before the minute ends')
  t.ok(attempt(g, 'user:li', 64 * S, false).allowed, 'one attempt once the lock ends')
  t.same(g.begin('user:li', 65 * S), { allowed: false, retryAfterSeconds: 119, reason: 'locked' }, 'its failure locks again, twice as long')
  t.ok(attempt(g, 'user:li', 184 * S, false).allowed)
  t.same(g.begin('user:li', 184 * S), { allowed: false, retryAfterSeconds: 240, reason: 'locked' }, 'and again, doubled')
  let at = 424 * S
  const delays: number[] = []
  for (let i = 0; i < 8; i++) {
    t.ok(attempt(g, 'user:li', at, false).allowed)
    const v = g.begin('user:li', at)
    const seconds = v.allowed ? 0 : v.retryAfterSeconds
    delays.push(seconds)
    at += seconds * S
  }
  t.same(delays, [480, 960, 1920, 3600, 3600, 3600, 3600, 3600], 'up to the longest lockout')
})

t.test('a success clears the record; failures older than the window do not count', async (t) => {
  const g = createLoginGuard(options)
  for (let i = 0; i < 4; i++) attempt(g, 'user:wang', i * S, false)
  t.ok(attempt(g, 'user:wang', 5 * S, true).allowed, 'signed in')
  for (let i = 0; i < 4; i++) t.ok(attempt(g, 'user:wang', (10 + i) * S, false).allowed, 'four fresh failures allowed after a success')
  t.ok(g.begin('user:wang', 14 * S).allowed)
  g.abandoned('user:wang', 14 * S)
  t.ok(attempt(g, 'user:wang', (13 + 901) * S, false).allowed, 'the old failures left the window')
  t.ok(attempt(g, 'user:wang', (13 + 902) * S, false).allowed, 'so this is not the fifth')
})

t.test('attempts in flight count: a parallel burst cannot pass the limit', async (t) => {
  const g = createLoginGuard(options)
  const verdicts = Array.from({ length: 8 }, () => g.begin('client:hr-1', 0))
  t.equal(verdicts.filter((v) => v.allowed).length, 5, 'no more at once than failures left')
  t.match(verdicts[7], { allowed: false, reason: 'in-flight' })
  for (let i = 0; i < 5; i++) g.failed('client:hr-1', S)
  t.match(g.begin('client:hr-1', 2 * S), { allowed: false, reason: 'locked' })
  const h = createLoginGuard(options)
  h.begin('user:x', 0)
  h.abandoned('user:x', 0)
  t.equal(h.size, 0, 'an attempt without a verdict leaves nothing behind')
  h.begin('user:y', 0)
  t.ok(h.begin('user:y', 61 * S).allowed, 'an attempt that never reported back stops counting')
})

t.test('an episode ends after a quiet window; memory stays bounded without unlocking anyone', async (t) => {
  const g = createLoginGuard({ ...options, maxEntries: 3 })
  for (let i = 0; i < 5; i++) attempt(g, 'user:locked', i, false)
  t.notOk(g.begin('user:locked', 10).allowed)
  for (let i = 0; i < 10; i++) attempt(g, `user:spray-${i}`, 20 + i, false)
  t.ok(g.size <= 4, `bounded (${g.size})`)
  t.match(g.begin('user:locked', 30), { allowed: false, reason: 'locked' }, 'the locked name is kept')
  const later = 60 * S + 900 * S + 10
  t.ok(attempt(g, 'user:locked', later, false).allowed)
  t.ok(g.begin('user:locked', later + 1).allowed, 'after a quiet window one failure no longer locks')
})
