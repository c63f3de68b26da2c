// npm run seed [-- --scale 0.25] [--today YYYY-MM-DD] [--demo-accounts] [--force]
// Fills the configured database (DATABASE_PATH) with the fictional 河东市 through the services.
// Deterministic for a given day and scale; a second run finds the city already there, adds
// nothing and exits 0. It writes only into a database that is empty or that it made itself
// (a registry in use is refused, exit 2, unless --force), and creates logins whose password is
// public only when asked (--demo-accounts). Exit codes: 0 done (or already seeded), 1 failed
// (nothing written), 2 bad usage or settings, or a database holding real data.
import { type Config } from '../src/config.js'
import { cliConfig, Help, isEntryModule, parseOptions, runCli, Usage } from '../src/cli/runner.js'
import { openSqliteStore, type SqliteStore } from '../src/db/sqlite/store.js'
import { isIsoDate, shanghaiDate } from '../src/domain/dates.js'
import { prepareIdNumbers } from '../src/db/sqlite/id-numbers.js'
import { ensureDemoAccounts } from './accounts.js'
import { planSeed, rootUscc, SEED_ACTOR, writeSeed, type SeedOptions } from './run.js'
import { formatSummary, summarize, type SeedSummary } from './summary.js'

export interface SeedRunOptions extends SeedOptions {
  /** Create the demo clerk (a public password) and the demo HR client. */
  readonly demoAccounts?: boolean
}

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

/** Why the seed must not write into `store`, or null: it may when the database holds no agency,
 *  or when everything in it about agencies and officers was written by the seed. Anything
 *  written by someone else (the API, an import, the CLI) makes it a registry in use. */
export function seedRefusal (store: SqliteStore): string | null {
  const agencies = store.sqlite.prepare('select count(*) from agencies').pluck().get() as number
  if (agencies === 0) return null
  const seeded = store.sqlite.prepare('select 1 from audit_events where actor = ? limit 1').pluck().get(SEED_ACTOR.principal.sub) !== undefined
  const others = store.sqlite.prepare("select count(*) from audit_events where entity in ('agency', 'officer') and actor <> ?").pluck().get(SEED_ACTOR.principal.sub) as number
  if (seeded && others === 0) return null
  return `the database holds real data (${agencies} ${agencies === 1 ? 'agency' : 'agencies'}${others > 0 ? `, ${others} changes to agencies and officers not made by the seed` : ', not written by the seed'}): the demo city is not written into it. Seed an empty database (DATABASE_PATH=./data/demo.db npm run seed), or give --force to write into this one anyway`
}

/** Seeds `store` unless the city is already there; creates the demo accounts (either way) when
 *  asked. Does not check seedRefusal: the command does, before it calls this. */
export async function seed (store: SqliteStore, config: Config, options: SeedRunOptions = {}): Promise<SeedResult> {
  const today = options.today ?? shanghaiDate(new Date())
  // As at the server's start: bind the store's ID-number key is checked (and any number in clear sealed).
  await prepareIdNumbers(store)
  const started = performance.now()
  const cpu = process.cpuUsage()
  const plan = planSeed(config, { ...options, today })
  const present = store.sqlite.prepare('select id from agencies where uscc = ?').get(rootUscc(plan)) !== undefined
  const steps = present ? 0 : await writeSeed(store, config, plan)
  const ms = present ? 0 : performance.now() - started
  const used = process.cpuUsage(cpu)
  const cpuMs = present ? 0 : (used.user + used.system) / 1000
  const names = { city: plan.agencies[0]?.name ?? '', hrAgency: plan.agencies.find((a) => a.level === 'city' && a.domains.includes('市场监管'))?.name ?? '' }
  const accountLines = options.demoAccounts === true
    ? await ensureDemoAccounts(store, config, names)
    : ['no demo logins created (their password would be public): sign in as the admin, or run again with --demo-accounts']
  return { seeded: !present, today, ms, cpuMs, steps, summary: await summarize(store, config, today), accountLines }
}

export const SEED_USAGE = `usage: npm run seed [-- options]      (writes to DATABASE_PATH, default ./data/registry.db)
  --scale X          share of the full city's people, in (0, 10] (default 1: about 9,000 officers)
  --today YYYY-MM-DD the day the data is dated to (default: today)
  --demo-accounts    also create the demo clerk (password Clerk-Demo-2024: public) and an HR
                     client, and print their logins
  --force            write into a database that holds data the seed did not write
Exit codes: 0 done (or already seeded), 1 failed (nothing written), 2 bad usage or a database
holding real data.`

/** The command's arguments; throws Usage, or Help for --help. */
export function seedArguments (argv: string[]): { scale: number, today: string | undefined, demoAccounts: boolean, force: boolean } {
  const { values } = parseOptions({
    args: argv,
    strict: true,
    options: { scale: { type: 'string' }, today: { type: 'string' }, 'demo-accounts': { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }
  })
  if (values.help) throw new Help(SEED_USAGE)
  const scale = values.scale === undefined ? 1 : Number(values.scale)
  if (!(scale > 0 && scale <= 10)) throw new Usage('--scale must be a number in (0, 10]')
  if (values.today !== undefined && !isIsoDate(values.today)) throw new Usage('--today must be YYYY-MM-DD')
  return { scale, today: values.today, demoAccounts: values['demo-accounts'], force: values.force }
}

async function main (argv: string[]): Promise<number> {
  const args = seedArguments(argv)
  const config = cliConfig()
  const store = openSqliteStore(config)
  try {
    const refusal = args.force ? null : seedRefusal(store)
    if (refusal !== null) throw new Usage(`${config.DATABASE_PATH}: ${refusal}`)
    const r = await seed(store, config, { scale: args.scale, demoAccounts: args.demoAccounts, ...(args.today ? { today: args.today } : {}) })
    const where = config.DATABASE_PATH
    process.stdout.write(r.seeded
      ? `Seeded ${where} as of ${r.today} (scale ${args.scale}): ${r.steps} service calls in ${(r.ms / 1000).toFixed(1)} s (${(r.cpuMs / 1000).toFixed(1)} s CPU).\n`
      : `${where} already holds the demo city; nothing added. / 演示数据已存在，未重复写入。\n`)
    process.stdout.write(`${formatSummary(r.summary)}\n\n${r.accountLines.join('\n')}\n`)
    return 0
  } finally {
    store.close()
  }
}

if (isEntryModule(import.meta.url)) runCli('seed', SEED_USAGE, main)
