// npm run seed [-- --scale 0.25] [--today YYYY-MM-DD]
// Fills the configured database (DATABASE_PATH) with the fictional 河东市 through the services,
// and creates the demo logins. Deterministic for a given day and scale; a second run finds the
// city already there, adds nothing and exits 0. Exit codes: 0 done (or already seeded),
// 1 failed (nothing written), 2 bad usage or settings.
import { parseArgs } from 'node:util'
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { loadConfig, type Config } from '../src/config.js'
import { openDatabase, type DatabaseHandle } from '../src/db/open.js'
import { isIsoDate, shanghaiDate } from '../src/domain/dates.js'
import { prepareIdNumbers } from '../src/security/id-number-store.js'
import { ensureDemoAccounts } from './accounts.js'
import { planSeed, rootUscc, writeSeed, type SeedOptions } from './run.js'
import { formatSummary, summarize, type SeedSummary } from './summary.js'

export interface SeedResult {
  readonly seeded: boolean
  readonly today: string
  /** Milliseconds spent planning and writing (0 when already seeded): wall clock and CPU. */
  readonly ms: number
  readonly cpuMs: number
  readonly steps: number
  readonly summary: SeedSummary
  readonly accountLines: string[]
}

/** Seeds `store` unless the city is already there; creates the demo accounts either way. */
export async function seed (store: DatabaseHandle, config: Config, options: SeedOptions = {}): Promise<SeedResult> {
  const today = options.today ?? shanghaiDate(new Date())
  // As at the server's start: bind the configured ID-number key (and seal any number in clear).
  prepareIdNumbers(store, config)
  const started = performance.now()
  const cpu = process.cpuUsage()
  const plan = planSeed(config, { ...options, today })
  const present = store.sqlite.prepare('select id from agencies where uscc = ?').get(rootUscc(plan)) !== undefined
  const steps = present ? 0 : writeSeed(store, config, plan)
  const ms = present ? 0 : performance.now() - started
  const used = process.cpuUsage(cpu)
  const cpuMs = present ? 0 : (used.user + used.system) / 1000
  const names = { city: plan.agencies[0]?.name ?? '', hrAgency: plan.agencies.find((a) => a.level === 'city' && a.domains.includes('市场监管'))?.name ?? '' }
  const accountLines = await ensureDemoAccounts(store, config, names)
  return { seeded: !present, today, ms, cpuMs, steps, summary: summarize(store, config, today), accountLines }
}

const USAGE = 'usage: npm run seed [-- --scale 0.25] [--today YYYY-MM-DD]   (writes to DATABASE_PATH, default ./data/registry.db)'

async function main (): Promise<number> {
  const { values } = parseArgs({ options: { scale: { type: 'string' }, today: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help) { process.stdout.write(USAGE + '\n'); return 0 }
  const scale = values.scale === undefined ? 1 : Number(values.scale)
  if (!(scale > 0 && scale <= 10)) { process.stderr.write(`--scale must be a number in (0, 10]\n${USAGE}\n`); return 2 }
  if (values.today !== undefined && !isIsoDate(values.today)) { process.stderr.write(`--today must be YYYY-MM-DD\n${USAGE}\n`); return 2 }
  const cfg = loadConfig(process.env)
  if (!cfg.ok) { process.stderr.write(`Invalid configuration / 配置错误:\n${cfg.errors.map((e) => `  - ${e}`).join('\n')}\n`); return 2 }
  const store = openDatabase(cfg.config.DATABASE_PATH)
  try {
    const r = await seed(store, cfg.config, { scale, ...(values.today ? { today: values.today } : {}) })
    const where = cfg.config.DATABASE_PATH
    process.stdout.write(r.seeded
      ? `Seeded ${where} as of ${r.today} (scale ${scale}): ${r.steps} service calls in ${(r.ms / 1000).toFixed(1)} s (${(r.cpuMs / 1000).toFixed(1)} s CPU).\n`
      : `${where} already holds the demo city; nothing added. / 演示数据已存在，未重复写入。\n`)
    process.stdout.write(`${formatSummary(r.summary)}\n\n${r.accountLines.join('\n')}\n`)
    return 0
  } finally {
    store.close()
  }
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : ''
if (import.meta.url === entry) {
  main().then((code) => { process.exitCode = code }, (err: unknown) => {
    process.stderr.write(`seed failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exitCode = 1
  })
}
