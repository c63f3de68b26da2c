// node dist/cli/main.mjs <command> (or npm run cli -- <command>): first steps on a server,
// without the HTTP API.
//   user add --username NAME --role ROLE [--agency ID]    (the password on standard input)
//   user passwd --username NAME                           (the password on standard input)
//   user disable --username NAME
//   client add --name NAME --role ROLE [--agency ID]      (prints client_id and client_secret once)
//   audit verify                                           (checks the audit hash chain)
//   backup FILE [--force]                                  (online copy while the server serves)
//   migrate --to postgres://…                              (applies PostgreSQL's migrations)
//   copy --from FILE --to postgres://…                     (a SQLite registry into PostgreSQL)
// A password is never an argument (every user of the machine sees those, and shells keep them):
// it is typed when asked (not echoed) or piped. Each command and group has --help.
// Exit codes: 0 done, 1 refused, broken or failed (the message says why), 2 bad usage.
import { existsSync, readFileSync } from 'node:fs'
import { copySqliteToPg, CopyRefused, shownUrl } from '../db/pg/copy.js'
import { openPgStore } from '../db/pg/store.js'
import { verifyPgAuditChain } from '../modules/audit/pg-repository.js'
import { auditVerify, backupDatabase, backupTargetExists } from './integrity.js'
import { accountsService } from '../modules/accounts/service.js'
import { userRepository } from '../modules/accounts/repository.js'
import { systemActor } from '../modules/audit/repository.js'
import { isRole, type Role } from '../security/roles.js'
import { passwordProblem } from '../domain/password-rule.js'
import { cliConfig, commandStore, existingDatabase, Help, idOption, isEntryModule, parseOptions, runCli, Usage, withCommandStore } from './runner.js'
import type { Config } from '../config.js'

/** How long a command waits for the write lock another process holds (ms). */
const CLI_BUSY_TIMEOUT_MS = 60_000

const CMD = 'node dist/cli/main.mjs'
const PIPED = 'The password is read from standard input: typed when asked (not shown), or piped\n(printf %s "$PW" | ...). It is never an argument.'
export const USAGES = {
  'user add': `usage: ${CMD} user add --username NAME --role admin|clerk|hr|auditor|casework [--agency ID]\n  --agency: the account's scope (required unless admin)\n${PIPED}`,
  'user passwd': `usage: ${CMD} user passwd --username NAME\n${PIPED}`,
  'user disable': `usage: ${CMD} user disable --username NAME`,
  'client add': `usage: ${CMD} client add --name NAME --role admin|clerk|hr|auditor|casework [--agency ID]\n  prints client_id (prefixed by the role) and client_secret, which is shown only then`,
  'audit verify': `usage: ${CMD} audit verify\n  checks the audit trail's hash chain end to end (DATABASE_URL's PostgreSQL, else the file DATABASE_PATH):\n  exit 0 prints the head hash, 1 names the first broken event`,
  backup: `usage: ${CMD} backup FILE [--force]\n  online backup to FILE (SQLite backup API), checked with PRAGMA integrity_check; --force replaces FILE`,
  migrate: `usage: ${CMD} migrate [--to postgres://USER@HOST[:PORT]/DATABASE]   (default: DATABASE_URL)\n  applies the PostgreSQL schema's migrations not yet applied (migrations/pg); safe to run again.\n  The password is never in the URL: PGPASSWORD or ~/.pgpass.`,
  copy: `usage: ${CMD} copy --from FILE --to postgres://USER@HOST[:PORT]/DATABASE\n  copies the SQLite registry FILE, as it stands when the copy begins (stop its server first to\n  move a city for good), into the PostgreSQL database (migrated first; it must hold no registry\n  data), in one transaction, then checks the row counts, the audit chain's head and the change\n  feed's last id. Give the server on PostgreSQL the same ID_ENCRYPTION_KEY. The password is\n  never in the URL: PGPASSWORD or ~/.pgpass.`
} as const
type CommandName = keyof typeof USAGES
const GROUPS: Record<string, CommandName[]> = { user: ['user add', 'user passwd', 'user disable'], client: ['client add'], audit: ['audit verify'], backup: ['backup'], migrate: ['migrate'], copy: ['copy'] }
const groupUsage = (group: string) => (GROUPS[group] ?? []).map((c) => USAGES[c]).join('\n\n')
export const USAGE = `usage: ${CMD} <command> [options]      (or npm run cli -- <command> [options])
  user add --username NAME --role admin|clerk|hr|auditor|casework [--agency ID]
  user passwd --username NAME
  user disable --username NAME
  client add --name NAME --role ROLE [--agency ID]
  audit verify                  check the audit trail's hash chain (1: names the first broken event)
  backup FILE [--force]         online backup to FILE, checked with PRAGMA integrity_check
  migrate --to URL              apply PostgreSQL's migrations to the database at URL
  copy --from FILE --to URL     copy a SQLite registry into an empty PostgreSQL database, checked
Passwords are read from standard input, never from an argument. <command> --help: its options.
Settings come from the same environment variables as the server (DATABASE_PATH …).`

export type CliCommand =
  | { name: 'user add', username: string, role: Role, agencyId: number | null }
  | { name: 'user passwd' | 'user disable', username: string }
  | { name: 'client add', clientName: string, role: Role, agencyId: number | null }
  | { name: 'audit verify' }
  | { name: 'backup', file: string, force: boolean }
  | { name: 'migrate', to: string | undefined }
  | { name: 'copy', from: string, to: string }

/** What the arguments ask for; throws Usage (naming what is wrong, with the usage of the command
 *  or group meant) or Help. Pure: reads nothing but `argv`. */
export function cliCommand (argv: string[]): CliCommand {
  const { values, positionals } = parseOptions({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      agency: { type: 'string' },
      name: { type: 'string' },
      force: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [noun, verb, ...rest] = positionals
  if (noun === undefined) {
    if (values.help) throw new Help(USAGE)
    throw new Usage('no command given')
  }
  if (noun === 'backup') {
    if (values.help) throw new Help(USAGES.backup)
    if (verb === undefined || rest.length > 0) throw new Usage('backup takes one FILE', USAGES.backup)
    return { name: 'backup', file: verb, force: values.force ?? false }
  }
  if (noun === 'migrate' || noun === 'copy') {
    const usage = USAGES[noun]
    if (values.help) throw new Help(usage)
    // An argument may be a URL given without --to: shown without its password.
    if (verb !== undefined) throw new Usage(`unexpected argument: ${[verb, ...rest].map((a) => (/^\w+:\/\//.test(a) ? shownUrl(a) : a)).join(' ')}`, usage)
    // migrate works on DATABASE_URL when no --to is given (the server's own database).
    if (noun === 'migrate' && values.to === undefined) return { name: 'migrate', to: undefined }
    const to = values.to ?? ''
    if (!/^postgres(ql)?:\/\//.test(to)) throw new Usage('--to postgres://… is required', usage)
    const url = new URL(to)
    if (url.password !== '' || url.searchParams.has('password')) {
      throw new Usage('a password is not accepted in the URL: every user of the machine sees the arguments (ps) and shells keep them; set PGPASSWORD or use ~/.pgpass', usage)
    }
    if (noun === 'migrate') return { name: 'migrate', to }
    if (values.from === undefined || values.from === '') throw new Usage('--from FILE is required', usage)
    return { name: 'copy', from: values.from, to }
  }
  const group = GROUPS[noun]
  if (group === undefined) throw new Usage(`unknown command: ${noun}`)
  const name = `${noun} ${verb ?? ''}`.trim()
  if (!group.includes(name as CommandName)) {
    if (values.help && verb === undefined) throw new Help(groupUsage(noun))
    throw new Usage(verb === undefined ? `${noun} needs a command: ${group.map((c) => c.split(' ')[1]).join(', ')}` : `unknown command: ${name}`, groupUsage(noun))
  }
  const usage = USAGES[name as CommandName]
  if (values.help) throw new Help(usage)
  if (rest.length > 0) throw new Usage(`unexpected argument: ${rest.join(' ')}`, usage)
  if (values.password !== undefined) {
    throw new Usage('--password is not accepted: a password on the command line is seen by every user of the machine (ps) and kept in shell history; type it when asked or pipe it', usage)
  }
  const required = (option: 'username' | 'name' | 'role'): string => {
    const v = values[option]
    if (v === undefined || v === '') throw new Usage(`--${option} is required`, usage)
    return v
  }
  switch (name as CommandName) {
    case 'user add':
    case 'client add': {
      const subject = noun === 'user' ? required('username') : required('name')
      const role = required('role')
      if (!isRole(role)) throw new Usage('--role must be admin, clerk, hr or auditor', usage)
      const agencyId = idOption('agency', values.agency) ?? null
      return noun === 'user' ? { name: 'user add', username: subject, role, agencyId } : { name: 'client add', clientName: subject, role, agencyId }
    }
    case 'user passwd':
    case 'user disable':
      return { name: name as 'user passwd' | 'user disable', username: required('username') }
    default:
      return { name: 'audit verify' }
  }
}

/** The password in what was typed or piped: all of it but a last line break, taken as sent
 *  otherwise (as the API takes it), and checked by the one password rule; throws Usage. */
export function passwordFromInput (input: string, usage: string): string {
  const pw = input.replace(/\r?\n$/, '')
  if (pw === '') throw new Usage('no password on standard input', usage)
  const problem = passwordProblem(pw)
  if (problem !== null) throw new Usage(problem, usage)
  return pw
}

/** The password from standard input: asked for on a terminal (not echoed), else read whole. */
async function readPassword (usage: string): Promise<string> {
  return passwordFromInput(process.stdin.isTTY ? await promptHidden('password: ') : readFileSync(0, 'utf8'), usage)
}

function promptHidden (prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    process.stderr.write(prompt)
    stdin.setRawMode(true)
    stdin.setEncoding('utf8')
    let typed = ''
    const done = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      if (err) reject(err); else resolve(typed)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done()
        if (ch === '\u0003') return done(new Usage('cancelled'))
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
        else typed += ch
      }
    }
    stdin.on('data', onData)
    stdin.resume()
  })
}

async function run (argv: string[]): Promise<number> {
  const command = cliCommand(argv)
  if (command.name === 'copy') return await toPostgres(command)
  const config = cliConfig()
  if (command.name === 'migrate') {
    const to = command.to ?? config.DATABASE_URL
    if (to === undefined) throw new Usage('give --to postgres://… or set DATABASE_URL', USAGES.migrate)
    return await toPostgres({ name: 'migrate', to })
  }
  if (command.name === 'backup' && config.DATABASE_URL !== undefined) {
    process.stderr.write(`${PG_BACKUP}\n`)
    return 2
  }
  if (command.name === 'audit verify' || command.name === 'backup') return integrity(config, command)
  const usage = USAGES[command.name]
  const password = command.name === 'user add' || command.name === 'user passwd' ? await readPassword(usage) : ''
  // A server may hold the write lock for a few seconds while it applies a large import (one
  // transaction): the command waits for it (up to a minute) rather than failing "database is locked".
  const store = await commandStore(config, { busyTimeoutMs: CLI_BUSY_TIMEOUT_MS })
  const accounts = accountsService({ store, config, clock: () => new Date() })
  const actor = systemActor('cli')
  try {
    switch (command.name) {
      case 'user add': {
        const user = await accounts.createUser(actor, { username: command.username, password, role: command.role, agencyId: command.agencyId })
        process.stdout.write(`created user ${user.username} (id ${user.id}, role ${user.role})\n`)
        return 0
      }
      case 'client add': {
        const c = await accounts.createClient(actor, { name: command.clientName, role: command.role, agencyId: command.agencyId })
        process.stdout.write(`client_id=${c.clientId}\nclient_secret=${c.clientSecret}\n(the secret is shown only now)\n`)
        return 0
      }
      default: {
        const user = await store.read(async (db) => userRepository.findByUsername(db, command.username))
        if (!user) throw new Usage(`no user ${command.username}`, usage)
        const passwd = command.name === 'user passwd'
        await accounts.updateUser(actor, user.id, passwd ? { password } : { disabled: true })
        process.stdout.write(`${passwd ? 'password changed' : 'disabled'}: ${user.username}\n`)
        return 0
      }
    }
  } finally {
    store.close()
  }
}

// On PostgreSQL the database's own tools take the backup, consistent while the servers serve.
const PG_BACKUP = `backup: the registry is on PostgreSQL (DATABASE_URL): back it up with PostgreSQL's tools, e.g.
  pg_dump --format=custom --file=registry-$(date +%F).dump "$DATABASE_URL"   (one consistent snapshot, servers running)
  pg_restore --dbname=postgres://…/new_registry registry-….dump               (restore into an empty database)
and keep ID_ENCRYPTION_KEY and AUTH_SIGNING_KEY with it: without the first no ID number can be read.
Check a restored copy with: DATABASE_URL=… ${CMD} audit verify`

// The data-safety commands open the database themselves, read-only.
async function integrity (config: Config, command: Extract<CliCommand, { name: 'audit verify' | 'backup' }>): Promise<number> {
  let outcome
  if (command.name === 'audit verify') outcome = await withCommandStore(config, undefined, auditVerify)
  else {
    if (backupTargetExists(command.file) && !command.force) throw new Usage(`${command.file} exists; choose another name or give --force`, USAGES.backup)
    outcome = await backupDatabase(existingDatabase(config), command.file)
  }
  const out = outcome.code === 0 ? process.stdout : process.stderr
  out.write(outcome.message + '\n')
  return outcome.code
}

// PostgreSQL: migrations, and a SQLite file's registry copied in. The URL is shown without its
// password.
async function toPostgres (command: { name: 'migrate', to: string } | Extract<CliCommand, { name: 'copy' }>): Promise<number> {
  if (command.name === 'copy' && !existsSync(command.from)) throw new Error(`no database at ${command.from}`)
  const store = await openPgStore(command.to)
  try {
    if (command.name === 'migrate') {
      process.stdout.write(`migrations applied: ${shownUrl(command.to)}\n`)
      return 0
    }
    try {
      let events = 0
      const report = await copySqliteToPg(command.from, store, {
        progress: (table, rows) => { process.stderr.write(`${table}: ${rows} rows\n`) },
        rowsSoFar: (table, rows) => { process.stderr.write(`${table}: ${rows} rows so far…\n`) },
        // The chain walked again on PostgreSQL, every hash recomputed from what it now holds.
        check: async (db) => {
          const verdict = await verifyPgAuditChain(db)
          if (!verdict.ok) return `the audit chain does not verify on PostgreSQL: event ${verdict.brokenAt}: ${verdict.reason}`
          events = verdict.events
          return null
        }
      })
      const rows = Object.values(report.tables).reduce((a, b) => a + b, 0)
      process.stdout.write(`copied ${rows} rows of ${Object.keys(report.tables).length} tables into ${shownUrl(command.to)}; checked: row counts, the audit chain (${events} events, head ${report.auditHead ?? '(none)'}) verified on PostgreSQL, last event ${report.lastEventId}\n`)
      return 0
    } catch (err) {
      if (!(err instanceof CopyRefused)) throw err
      process.stderr.write(`copy refused: ${err.message}\n`)
      return 1
    }
  } finally {
    await store.end()
  }
}

if (isEntryModule(import.meta.url)) runCli('cli', USAGE, run)
