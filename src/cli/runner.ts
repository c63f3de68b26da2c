// What every command-line tool shares: options parsed strictly (a bad one is a usage error,
// exit 2), the configuration read from the environment, the database file checked before it is
// opened (missing: the command failed, exit 1), the system actor, and one way to end: 0 done,
// 1 failed or refused, 2 bad usage, or the command's own code.
import { existsSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { pathToFileURL } from 'node:url'
import { loadConfig, type Config } from '../config.js'
import { openSqliteStore } from '../db/sqlite/store.js'
import { openPgStore } from '../db/pg/store.js'
import type { Store } from '../db/store.js'
import { ID_KEY_FILE_NAME, loadIdNumberKey } from '../security/id-numbers.js'
import { compareDates, isIsoDate, type IsoDate } from '../domain/dates.js'
import { RegistryError } from '../errors.js'
import type { Actor } from '../security/roles.js'
import { MAX_ID } from '../http/schemas.js'

/** A usage error: the message, then the usage text (the command's own when given), exit 2. */
export class Usage extends Error {
  constructor (message: string, readonly usage?: string) { super(message) }
}

/** --help: the command's usage on standard output, exit 0. */
export class Help {
  constructor (readonly text: string) {}
}

/** parseArgs with its errors as usage errors. */
export function parseOptions<T extends ParseArgsConfig> (config: T) {
  try {
    return parseArgs(config)
  } catch (err) {
    throw new Usage(err instanceof Error ? err.message : String(err))
  }
}

/** The options the nightly commands share (nightly, flag-undertrained); spread into their own. */
export const NIGHTLY_OPTIONS = {
  year: { type: 'string' },
  'as-of': { type: 'string' },
  'fail-on-findings': { type: 'boolean', default: false },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false }
} as const

/** A whole-number option from min to max; undefined when not given. */
export function wholeOption (name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!/^\d+$/.test(v) || n < min || n > max) throw new Usage(`--${name} must be a whole number from ${min} to ${max}`)
  return n
}

/** A year option (2000–2100); undefined when not given. */
export const yearOption = (v: string | undefined): number | undefined => wholeOption('year', v, 2000, 2100)

/** An id option (a whole number from 1); undefined when not given. */
export const idOption = (name: string, v: string | undefined): number | undefined => wholeOption(name, v, 1, MAX_ID)

/** A date option (YYYY-MM-DD, a real day); undefined when not given. */
export function dateOption (name: string, v: string | undefined): string | undefined {
  if (v !== undefined && !isIsoDate(v)) throw new Usage(`--${name} must be a date YYYY-MM-DD`)
  return v
}

/** The --year and --as-of of a nightly command, checked against today: a year not begun, or an
 *  --as-of before the year, is a usage error (a report of it would flag nobody and say 0). An
 *  --as-of alone may be any day: the year it picks (defaultNightlyYear) has begun by then. */
export function checkTrainingYear (year: number | undefined, asOf: IsoDate | undefined, today: IsoDate): void {
  const thisYear = Number(today.slice(0, 4))
  if (year !== undefined && year > thisYear) throw new Usage(`the training year ${year} has not begun (today is ${today}); give --year ${thisYear} or earlier`)
  if (year !== undefined && asOf !== undefined && compareDates(asOf, `${year}-01-01`) < 0) {
    throw new Usage(`--as-of ${asOf} is before the training year ${year} begins; give a day of ${year} or later`)
  }
}

/** The configuration from the environment (a bad setting is a usage error). */
export function cliConfig (): Config {
  const cfg = loadConfig(process.env)
  if (!cfg.ok) throw new Usage(cfg.errors.join('; '))
  return cfg.config
}

/** The database file to work on (--db, else DATABASE_PATH), which must exist. */
export function existingDatabase (config: Config, given?: string): string {
  const path = given ?? config.DATABASE_PATH
  // Not a usage error: the command was right, the file it names is not there (a wrong mount,
  // a deleted volume), which a cron job must report as a failure.
  if (path === ':memory:' || !existsSync(path)) throw new Error(`no database at ${path} (set DATABASE_PATH${given === undefined ? '' : ' or --db'})`)
  return path
}

/**
 * The store a command works on: PostgreSQL when DATABASE_URL is set (never migrated by a command
 * but migrate), else the SQLite file DATABASE_PATH. ID numbers open with the configured key
 * (ID_ENCRYPTION_KEY, or the key file beside DATABASE_PATH) when there is one; a command never
 * makes a key.
 */
export async function commandStore (config: Config, sqlite: { readonly?: boolean, busyTimeoutMs?: number, path?: string } = {}): Promise<Store> {
  const keyFile = join(dirname(config.DATABASE_PATH), ID_KEY_FILE_NAME)
  const hasKey = config.ID_ENCRYPTION_KEY !== undefined || (config.DATABASE_PATH !== ':memory:' && existsSync(keyFile))
  const idNumberKey = hasKey ? loadIdNumberKey(config) : undefined
  const key = idNumberKey === undefined ? {} : { idNumberKey }
  if (config.DATABASE_URL !== undefined && sqlite.path === undefined) return await openPgStore(config.DATABASE_URL, { migrate: false, poolSize: 2, ...key })
  const { path, ...options } = sqlite
  return openSqliteStore(path ?? config.DATABASE_PATH, { ...options, ...key })
}

/** Runs `fn` on the command's store (commandStore; on SQLite the file `given` by --db, else
 *  DATABASE_PATH, which must exist, opened read-only) and closes it. */
export async function withCommandStore<T> (config: Config, given: string | undefined, fn: (store: Store) => Promise<T> | T): Promise<T> {
  const onFile = config.DATABASE_URL === undefined || given !== undefined
  const store = await commandStore(config, onFile ? { readonly: true, path: existingDatabase(config, given) } : {})
  try {
    return await fn(store)
  } finally {
    store.close()
  }
}

/** The command acting as admin over the whole registry (what it reads is everything). */
export function systemAdmin (name: string): Actor {
  return { principal: { sub: `system:${name}`, role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: name }
}

/** True in the file node was started with (a command's entry), false when a test imports it. */
export function isEntryModule (url: string): boolean {
  const started = process.argv[1]
  return started !== undefined && pathToFileURL(realpathSync(started)).href === url
}

/** Runs a command's main and sets the exit code from what it returns or throws. */
export function runCli (name: string, usage: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
    if (err instanceof Help) {
      process.stdout.write(err.text + '\n')
      process.exitCode = 0
    } else if (err instanceof Usage) {
      process.stderr.write(`${err.message}\n\n${err.usage ?? usage}\n`)
      process.exitCode = 2
    } else if (err instanceof RegistryError) {
      process.stderr.write(`${name} refused: ${err.code}: ${err.message}\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(`${name} failed: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exitCode = 1
    }
  })
}
