// Webhooks' pure rules: the Standard Webhooks signature, the event filter, the URL rule and the
// back-off schedule.
import t from 'tap'
import { createHmac } from 'node:crypto'
import { afterFailure, formatSecret, matchesEventType, messageId, normaliseEventPatterns, retryDelayMs, secretKey, signature, signatureMatches, urlProblem } from '../../src/domain/webhooks.js'

const P = 'cn.gov.registry.'
const TYPES = ['officer.registered', 'officer.departed', 'certificate.issued', 'certificate.revoked', 'training.recorded']

t.test('the signature is the Standard Webhooks one (the spec\'s own example)', async (t) => {
  // https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const body = '{"test": 2432232314}'
  t.equal(signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  t.ok(signatureMatches(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body, 'v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'any of several signatures')
  t.notOk(signatureMatches(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265331, body, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'another timestamp')
})

t.test('a secret is whsec_ and the base64 of its key', async (t) => {
  const key = Buffer.alloc(32, 7)
  const secret = formatSecret(key)
  t.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  t.same(secretKey(secret), key)
  t.equal(signature(secret, 'm', 1, 'b'), 'v1,' + createHmac('sha256', key).update('m.1.b').digest('base64'))
  for (const bad of ['whsec_', 'sk_abc', `whsec_${Buffer.alloc(8).toString('base64')}`]) t.throws(() => secretKey(bad), bad)
  t.equal(messageId(3, 41), 'msg_3_41')
})

t.test('event patterns: types with or without the prefix, an entity\'s wildcard, *', async (t) => {
  const cases: Array<[string[], { patterns: string[] } | { bad: number }]> = [
    [['officer.registered'], { patterns: [P + 'officer.registered'] }],
    [[P + 'certificate.revoked', 'certificate.revoked'], { patterns: [P + 'certificate.revoked'] }],
    [['certificate.*', '*'], { patterns: [P + 'certificate.*', '*'] }],
    [['officer.registered', 'officer.promoted'], { bad: 1 }],
    [['agency.*'], { bad: 0 }],
    [['*.*'], { bad: 0 }],
    [['officer'], { bad: 0 }]
  ]
  for (const [given, want] of cases) t.same(normaliseEventPatterns(given, TYPES, P), want, given.join(' '))
  const table: Array<[string[], string, boolean]> = [
    [['*'], P + 'training.recorded', true],
    [[P + 'certificate.*'], P + 'certificate.issued', true],
    [[P + 'certificate.*'], P + 'officer.registered', false],
    [[P + 'officer.registered'], P + 'officer.registered', true],
    [[P + 'officer.registered'], P + 'officer.departed', false]
  ]
  for (const [patterns, type, want] of table) t.equal(matchesEventType(patterns, type), want, `${patterns.join(',')} ${type}`)
})

t.test('URLs: https only; http to 127.0.0.1 or localhost when allowed', async (t) => {
  const table: Array<[string, boolean, boolean]> = [
    ['https://hr.example.cn/hook', false, true],
    ['http://hr.example.cn/hook', false, false],
    ['http://hr.example.cn/hook', true, false],
    ['http://127.0.0.1:8080/hook', false, false],
    ['http://127.0.0.1:8080/hook', true, true],
    ['http://localhost/hook', true, true],
    ['http://127.0.0.2/hook', true, false],
    ['https://user:pw@hr.example.cn/', false, false],
    ['ftp://hr.example.cn/', true, false],
    ['not a url', true, false]
  ]
  for (const [url, loopback, ok] of table) t.equal(urlProblem(url, loopback) === null, ok, `${url} (loopback ${loopback})`)
})

t.test('back-off: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then hourly; failing after the window', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 7, 30].map((n) => retryDelayMs(n, 5000) / 1000), [5, 30, 120, 600, 1800, 3600, 3600, 3600])
  const first = new Date('2027-01-05T02:00:00Z')
  const day = 24 * 3600_000
  t.same(afterFailure(1, first, first, 5000, day), { next: new Date(first.getTime() + 5000) })
  const late = new Date(first.getTime() + day - 1800_000)
  t.same(afterFailure(20, first, late, 5000, day), { failing: true }, 'the next hourly attempt would fall after 24 h')
  t.same(afterFailure(20, first, new Date(first.getTime() + day - 3600_000), 5000, day), { next: new Date(first.getTime() + day) }, 'an attempt at the window\'s very end')
})
