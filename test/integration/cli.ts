// Runs the CLI as a real command (a separate process), the way a nightly script does.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult { status: number | null, stdout: string, stderr: string }

/** The database a command works on, and the file it runs (from the project root; the CLI's
 *  TypeScript unless given): TypeScript runs through the tsx loader, a built .mjs as plain Node. */
export type CliTarget = string | { databasePath: string, entry?: string }

/** `npm run cli -- <args>` with DATABASE_PATH set, synchronously (another entry file with the
 *  same arguments and environment when the target names one). */
export function cli (target: CliTarget, ...args: string[]): CliResult {
  return cliWithInput(target, '', ...args)
}

/** The same with `input` on standard input (as a script pipes a password). */
export function cliWithInput (target: CliTarget, input: string, ...args: string[]): CliResult {
  const { databasePath, entry = 'src/cli/main.ts' } = typeof target === 'string' ? { databasePath: target } : target
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : []
  const r = spawnSync(process.execPath, [...loader, entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    input,
    encoding: 'utf8',
    timeout: 120_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
