// Where the migrations are, and what both adapters share of how they run work.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

/** Work done between two turns of the event loop in writeInTurns, at most (ms). */
export const TURN_MS = 10

/** writeInTurns' `turn()`: takes a turn of the event loop once TURN_MS of work has gone by
 *  since the last one (or since this was made). */
export function turnTaker (): () => Promise<void> {
  let turned = performance.now()
  return async () => {
    if (performance.now() - turned < TURN_MS) return
    await nextTurn()
    turned = performance.now()
  }
}

/** How many migrations the folder `dir` ships (its drizzle journal's entries). */
export function shippedMigrations (dir: string): number {
  return (JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length
}

/** The project's migrations/ folder. This module runs from src/db/ (source), dist/ (the server's
 *  bundle) or dist/cli/ (the commands'): the project is one, two or three folders up, the first
 *  of them holding both package.json and migrations/. SQLite's migrations are there, PostgreSQL's
 *  in its pg/ folder. */
export const MIGRATIONS_DIR = projectMigrations(dirname(fileURLToPath(import.meta.url)))

function projectMigrations (here: string): string {
  for (const up of ['..', join('..', '..'), join('..', '..', '..')]) {
    const root = join(here, up)
    if (existsSync(join(root, 'package.json')) && existsSync(join(root, 'migrations', 'meta', '_journal.json'))) return join(root, 'migrations')
  }
  throw new Error(`no migrations/ beside the project's package.json above ${here}`)
}
