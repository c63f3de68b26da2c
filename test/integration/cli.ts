// Runs the CLI as a real command (a separate process), the way a nightly script does: the
// bundles `npm run build` makes (what the README's commands and cron lines run). npm test builds
// them first (scripts/checks.mjs); a test run on its own builds them when they are missing or
// older than a source file. Starting one takes a tenth of a second, where the TypeScript through
// tsx took one or two.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const ENTRIES = {
  server: 'dist/server.mjs',
  cli: 'dist/cli/main.mjs',
  nightly: 'dist/cli/nightly.mjs',
  flagUndertrained: 'dist/cli/flag-undertrained.mjs'
} as const

/** The newest modification time of a file under `dir`. */
function newest (dir: string): number {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

let checked = false
/** Builds dist/ unless every bundle is newer than every file of src/ and migrations/ (once per process). */
function ensureBuilt (): void {
  if (checked) return
  checked = true
  const sources = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'migrations')), statSync(join(ROOT, 'scripts', 'build.mjs')).mtimeMs)
  const fresh = Object.values(ENTRIES).every((e) => existsSync(join(ROOT, e)) && statSync(join(ROOT, e)).mtimeMs >= sources)
  if (fresh) return
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`)
}

/** The built entry points (paths from the project root), built first when stale. */
export const BUILT: Readonly<Record<keyof typeof ENTRIES, string>> = Object.defineProperties({}, Object.fromEntries(
  Object.entries(ENTRIES).map(([name, entry]) => [name, { enumerable: true, get: () => { ensureBuilt(); return entry } }])
)) as Record<keyof typeof ENTRIES, string>

export interface CliResult { status: number | null, stdout: string, stderr: string }

/** The database a command works on, and the file it runs (from the project root; the built CLI
 *  unless given): TypeScript runs through the tsx loader, a built .mjs as plain Node. */
export type CliTarget = string | { databasePath: string, entry?: string, env?: Record<string, string> }

/** `npm run cli -- <args>` with DATABASE_PATH set, synchronously (another entry file with the
 *  same arguments and environment when the target names one). */
export function cli (target: CliTarget, ...args: string[]): CliResult {
  return cliWithInput(target, '', ...args)
}

/** The same with `input` on standard input (as a script pipes a password). */
export function cliWithInput (target: CliTarget, input: string, ...args: string[]): CliResult {
  const { databasePath, entry = BUILT.cli, env = {} } = typeof target === 'string' ? { databasePath: target } : target
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : []
  const r = spawnSync(process.execPath, [...loader, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', ...env },
    input,
    encoding: 'utf8',
    timeout: 120_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
