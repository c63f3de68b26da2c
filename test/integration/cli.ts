// Runs the CLI as a real command (a separate process), the way a nightly script does.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult { status: number | null, stdout: string, stderr: string }

/** `npm run cli -- <args>` with DATABASE_PATH set, synchronously. */
export function cli (databasePath: string, ...args: string[]): CliResult {
  return cliWithInput(databasePath, '', ...args)
}

/** The same with `input` on standard input (as a script pipes a password). */
export function cliWithInput (databasePath: string, input: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    input,
    encoding: 'utf8',
    timeout: 120_000
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}
