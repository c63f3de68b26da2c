import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { startServer } from '../../src/server.js'
import { Ajv } from 'ajv'
import { ConfigSchema, testConfig } from '../../src/config.js'
import { queryValue } from '../db.js'

t.test('graceful close lets an in-flight request finish, then refuses new ones and closes the database', async (t) => {
  const file = join(t.testdir(), 'r.db')
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let started!: () => void
  const running = new Promise<void>((resolve) => { started = resolve })
  const config = testConfig({ PORT: 0, HOST: '127.0.0.1', DATABASE_PATH: file, LOG_LEVEL: 'silent', REGISTRY_ADMIN_PASSWORD: 'Admin-Password-1' })
  const server = await startServer(config, {}, (app) => {
    app.get('/slow', { config: { access: 'public' } }, async () => { started(); await gate; return { done: true } })
  })
  const inFlight = fetch(`${server.url}/slow`)
  await running
  const closing = server.close()
  setTimeout(release, 200)
  const res = await inFlight
  t.equal(res.status, 200, 'the in-flight request completed')
  t.same(await res.json(), { done: true })
  await closing
  await t.rejects(queryValue(server.app, 'select 1'), 'database closed: a query fails')
  await t.rejects(fetch(`${server.url}/healthz`), 'no longer accepting')
})

t.test('the settings schema is a valid JSON Schema (the start skips checking it, to start faster)', async (t) => {
  const ajv = new Ajv({ strict: false })
  t.ok(ajv.validateSchema(ConfigSchema), JSON.stringify(ajv.errors))
  t.notOk(ajv.validateSchema({ ...ConfigSchema, properties: { PORT: { type: 'port' } } }), 'an invalid schema is told apart')
})

t.test('bad settings stop the start with a clear message and exit code 2', async (t) => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_PATH: join(t.testdir(), 'x.db') },
    encoding: 'utf8',
    timeout: 30000
  })
  t.equal(res.status, 2)
  t.match(res.stderr, /PORT: must be integer/)
  t.match(res.stderr, /LOG_LEVEL/)
})
