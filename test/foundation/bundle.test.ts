// What `npm start` and the npm run commands actually run: the bundles scripts/build.mjs writes
// into dist/ (built by npm test's first step, or here when stale: test/integration/cli.ts BUILT),
// started as plain Node: the server answers /readyz and serves the docs page's assets, and each
// command finds its migrations and works. (The CLI and crash tests run these bundles too.)
// machine date: not read — the bundles it starts are asked to start, answer /readyz, check settings and find their migrations: nothing of a day
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild } from '../../bench/proc.js'
import { loadConfig } from '../../src/config.js'
import { buildTestApp } from '../helper.js'
import { BUILT, cli } from '../integration/cli.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

t.test('the bundles start and work: server, cli, nightly, flag-undertrained', async (t) => {
  for (const f of Object.values(BUILT)) t.ok(existsSync(join(ROOT, f)), f)

  const dir = t.testdir()
  const env = { DATABASE_PATH: join(dir, 'bundle.db'), REGISTRY_ADMIN_PASSWORD: 'Admin-Password-1', LOG_LEVEL: 'silent' }
  const server = await startChild('dist/server.mjs', env)
  t.teardown(() => server.stop())
  t.equal((await fetch(`${server.url}/readyz`)).status, 200, 'ready: migrations found and applied')
  const docs = await fetch(`${server.url}/docs/static/swagger-ui.css`)
  t.equal(docs.status, 200, 'the Swagger UI assets come from their package')
  const token = await fetch(`${server.url}/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username: 'admin', password: 'Admin-Password-1' }) })
  t.equal(token.status, 200, 'sign in works (validators and serializers compile on first use)')
  await server.stop()

  const run = (entry: string, ...args: string[]) => cli({ databasePath: env.DATABASE_PATH, entry }, ...args)
  const verify = run('dist/cli/main.mjs', 'audit', 'verify')
  t.equal(verify.status, 0, verify.stderr)
  t.match(verify.stdout, /audit chain ok/)
  const nightly = run('dist/cli/nightly.mjs')
  t.equal(nightly.status, 0, nightly.stderr)
  t.match(JSON.parse(nightly.stdout), { counts: { underTrained: 0 } })
  const flag = run('dist/cli/flag-undertrained.mjs', '--format', 'csv')
  t.equal(flag.status, 0, flag.stderr)
  t.match(flag.stdout, /^\ufeff/, 'CSV with its BOM')
  const usage = run('dist/cli/main.mjs', 'lunch')
  t.equal(usage.status, 2, 'a bad command is a usage error')
})

t.test('the bundles check the settings as the source does (there the check is compiled at build time)', async (t) => {
  // Ajv's core, by its file name and by a message of its own (the server bundle has both).
  const ajvCore = (file: string) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    return text.includes('node_modules/ajv/dist/core.js') || text.includes('schema with key or id')
  }
  t.ok(ajvCore('dist/server.mjs'), 'the server carries Ajv (its routes compile their schemas)')
  t.notOk(ajvCore('dist/cli/main.mjs'), 'the commands carry the compiled check, not Ajv')
  const cases: Array<Record<string, string>> = [
    { PORT: 'abc' },
    { PORT: '70000', TOKEN_TTL_SECONDS: '30' },
    { PUBLIC_BASE_URL: 'notaurl' },
    { AUTH_JWKS_URL: 'http://a b', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' },
    { LOG_LEVEL: 'loud' },
    { TRAINING_RULES: '[{"version":"x"}]' },
    { ID_ENCRYPTION_KEY: 'short', REGISTRY_ADMIN_PASSWORD: 'short' }
  ]
  // Each bundle with each bad setting, two at a time (a start is mostly loading the bundle).
  const runs = cases.flatMap((env) => ['dist/cli/main.mjs', 'dist/server.mjs'].map((entry) => ({ env, entry })))
  const answers = new Map<object, { status: number | null, stderr: string }>()
  for (let i = 0; i < runs.length; i += 2) {
    await Promise.all(runs.slice(i, i + 2).map(async (r) => {
      const res = await new Promise<{ status: number | null, stderr: string }>((resolve) => {
        execFile(process.execPath, [r.entry, ...(r.entry.includes('cli') ? ['audit', 'verify'] : [])], {
          cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, DATABASE_PATH: ':memory:', ...r.env }
        }, (err, _stdout, stderr) => resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr }))
      })
      answers.set(r, res)
    }))
  }
  for (const r of runs) {
    const want = loadConfig({ DATABASE_PATH: ':memory:', ...r.env })
    t.notOk(want.ok, `${JSON.stringify(r.env)} is refused by the source`)
    if (want.ok) continue
    const res = answers.get(r) as { status: number | null, stderr: string }
    t.equal(res.status, 2, `${r.entry} ${JSON.stringify(r.env)}: exit 2`)
    for (const error of want.errors) t.ok(res.stderr.includes(error), `${r.entry} says "${error}"`)
  }
})

t.test('every route schema compiles (they are compiled lazily, on first use, at run time)', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  await app.ready()
  const n = app.compileAllSchemas()
  t.ok(n > 150, `${n} validators and serializers compiled`)
})

t.test('a schema that does not compile is found by compileAllSchemas, not left for a request', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })
  app.get('/broken', { config: { access: 'public' }, schema: { querystring: { type: 'object', properties: { n: { type: 'no-such-type' } } } } }, async () => ({}))
  await app.ready()
  t.throws(() => app.compileAllSchemas(), 'the bad schema throws when compiled')
})
