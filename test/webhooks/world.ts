// A registry for webhook tests: a city with counties B and C, an app whose worker does not run
// on its own (the test drives it: runOnce) and whose clock the test moves on, and receivers.
import type { Test } from 'tap'
import type { Config } from '../../src/config.js'
import { buildTestApp, testClock } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'
import { startReceiver, type Receiver } from './receiver.js'

export type Auth = { authorization: string }

export async function webhookWorld (t: Test, overrides: Partial<Config> = {}) {
  const flowing = testClock()
  const ahead = { ms: 0 }
  const clock = () => new Date(flowing().getTime() + ahead.ms)
  const ctx = await buildTestApp(t, { WEBHOOKS_ENABLED: false, WEBHOOKS_ALLOW_HTTP_LOOPBACK: true, WEBHOOKS_TIMEOUT_MS: 2000, ...overrides }, { clock })
  const { app } = ctx
  const admin = await ctx.as('admin')
  const city = await createAgency(app, admin, { level: 'city' })
  const countyB = await createAgency(app, admin, { parentId: city.id })
  const countyC = await createAgency(app, admin, { parentId: city.id })
  let seq = 500

  return {
    ...ctx,
    admin,
    city,
    countyB,
    countyC,
    /** Moves the app's clock on by `ms`. */
    advance: (ms: number) => { ahead.ms += ms },
    /** A receiver judging timestamps by the app's clock; closed when the test ends. */
    async receiver (): Promise<Receiver> {
      const r = await startReceiver(() => clock().getTime())
      t.teardown(() => r.close())
      return r
    },
    /** Registers an officer at an agency (201 expected). */
    async officer (agencyId: number): Promise<{ id: number, version: number }> {
      const res = await post(app, admin, '/v1/officers', { name: '李四', idNumber: idNumber(++seq, '19900101'), agencyId, phone: '13912345678' })
      if (res.statusCode !== 201) throw new Error(`officer: ${res.body}`)
      return res.json()
    },
    /** Subscribes `receiver` as `auth` (201 expected) and gives it the secret. */
    async subscribe (auth: Auth, receiver: Receiver, events: string[] = ['*']): Promise<{ id: number, version: number, secret: string }> {
      const res = await post(app, auth, '/v1/webhooks', { url: receiver.url, events })
      if (res.statusCode !== 201) throw new Error(`subscribe: ${res.body}`)
      const made = res.json()
      receiver.secret = made.secret
      return made
    },
    runOnce: async () => await app.services.webhooks.worker.runOnce(),
    get: async (auth: Auth, url: string) => await app.inject({ method: 'GET', url, headers: auth })
  }
}
