// npm run cli -- <command>: first steps on a server, without the HTTP API.
//   user add --username NAME --role ROLE [--agency ID] [--password PW | password on stdin]
//   user passwd --username NAME [--password PW | stdin]
//   user disable --username NAME
//   client add --name NAME --role ROLE [--agency ID]      (prints client_id and client_secret once)
//   audit verify                                           (checks the audit hash chain)
//   backup FILE [--force]                                  (online copy while the server serves)
// Exit codes: 0 done, 1 refused or broken (the message says why), 2 bad usage.
import { readFileSync } from 'node:fs'
import { openDatabase } from '../db/open.js'

/** How long a command waits for the write lock another process holds (ms). */
const CLI_BUSY_TIMEOUT_MS = 60_000
import { auditVerify, backupDatabase, backupTargetExists } from './integrity.js'
import { accountsService } from '../modules/accounts/service.js'
import { userRepository } from '../modules/accounts/repository.js'
import { systemActor } from '../modules/audit/repository.js'
import { isRole } from '../security/roles.js'
import { cliConfig, existingDatabase, idOption, parseOptions, runCli, Usage } from './runner.js'

const USAGE = `usage: npm run cli -- <command> [options]
  user add --username NAME --role admin|clerk|hr|auditor [--agency ID] [--password PW]
  user passwd --username NAME [--password PW]
  user disable --username NAME
  client add --name NAME --role ROLE [--agency ID]
  audit verify                  check the audit trail's hash chain (1: names the first broken event)
  backup FILE [--force]         online backup to FILE, checked with PRAGMA integrity_check
Without --password the password is read from standard input.
Settings come from the same environment variables as the server (DATABASE_PATH …).`

function readPassword (given: string | undefined): string {
  if (given) return given
  if (process.stdin.isTTY) throw new Usage('give --password or pipe the password on standard input')
  const pw = readFileSync(0, 'utf8').trim()
  if (!pw) throw new Usage('no password on standard input')
  return pw
}

async function run (argv: string[]): Promise<number> {
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
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [noun, verb] = positionals
  if (values.help || !noun) { process.stdout.write(USAGE + '\n'); return values.help ? 0 : 2 }
  const config = cliConfig()
  if (noun === 'audit' || noun === 'backup') return integrity(existingDatabase(config), positionals, values.force ?? false)
  // A server may hold the write lock for a few seconds while it applies a large import (one
  // transaction): the command waits for it (up to a minute) rather than failing "database is locked".
  const store = openDatabase(config.DATABASE_PATH, { busyTimeoutMs: CLI_BUSY_TIMEOUT_MS })
  const accounts = accountsService({ store, config, clock: () => new Date() })
  const actor = systemActor('cli')
  const agencyId = idOption('agency', values.agency) ?? null
  try {
    const command = `${noun} ${verb ?? ''}`
    if (command === 'user add' || command === 'client add') {
      if (!isRole(values.role)) throw new Usage('--role must be admin, clerk, hr or auditor')
      if (noun === 'user') {
        if (!values.username) throw new Usage('--username is required')
        const user = await accounts.createUser(actor, { username: values.username, password: readPassword(values.password), role: values.role, agencyId })
        process.stdout.write(`created user ${user.username} (id ${user.id}, role ${user.role})\n`)
      } else {
        if (!values.name) throw new Usage('--name is required')
        const c = await accounts.createClient(actor, { name: values.name, role: values.role, agencyId })
        process.stdout.write(`client_id=${c.clientId}\nclient_secret=${c.clientSecret}\n(the secret is shown only now)\n`)
      }
      return 0
    }
    if (command === 'user passwd' || command === 'user disable') {
      const user = values.username ? userRepository.findByUsername(store.db, values.username) : undefined
      if (!user) throw new Usage(`no user ${values.username ?? '(give --username)'}`)
      await accounts.updateUser(actor, user.id, verb === 'passwd' ? { password: readPassword(values.password) } : { disabled: true })
      process.stdout.write(`${verb === 'passwd' ? 'password changed' : 'disabled'}: ${user.username}\n`)
      return 0
    }
    throw new Usage(`unknown command: ${command.trim()}`)
  } finally {
    store.close()
  }
}

// The data-safety commands open the database themselves, read-only.
async function integrity (databasePath: string, [noun, arg, extra]: string[], force: boolean): Promise<number> {
  let outcome
  if (noun === 'audit') {
    if (arg !== 'verify' || extra !== undefined) throw new Usage(`unknown command: audit ${arg ?? ''}`.trim())
    outcome = auditVerify(databasePath)
  } else {
    if (!arg || extra !== undefined) throw new Usage('backup takes one FILE')
    if (backupTargetExists(arg) && !force) throw new Usage(`${arg} exists; choose another name or give --force`)
    outcome = await backupDatabase(databasePath, arg)
  }
  const out = outcome.code === 0 ? process.stdout : process.stderr
  out.write(outcome.message + '\n')
  return outcome.code
}

runCli('cli', USAGE, run)
