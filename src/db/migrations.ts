// Where the migrations are, and what both adapters share of how they run work.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Work done between two turns of the event loop in writeInTurns, at most (ms). */
export const TURN_MS = 10

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
