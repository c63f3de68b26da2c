// No test depends on the day it runs (issue 17.1): the service reads the time from the clock it
// is given (AppDeps.clock, ServiceContext.clock), and the tests give theirs (test/clock.ts). This
// finds the machine's date read anywhere else: `new Date()` with nothing to date, outside the
// places that make the real clock for a running service or command. (Date.now() and
// performance.now() measure durations and deadlines, not the day: they stay.) CI also runs the
// tests that start the service as a process under faketime on two other days (.ci/run).
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Where the real clock is made: the service's default clock, and the commands' own. */
const REAL_CLOCKS = new Set(['src/app.ts', 'src/cli/main.ts', 'src/cli/nightly.ts', 'src/cli/flag-undertrained.ts'])

function files (dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? files(path) : /\.(ts|mjs)$/.test(e.name) ? [path] : []
  })
}

const TODAY = /new Date\(\s*\)|(?<![\w.])Date\(\s*\)/g

t.test('the machine\'s date is read only where a real clock is made: never by the service\'s code, never by a test', async (t) => {
  const readers: string[] = []
  for (const file of [...files('src'), ...files('test')]) {
    const rel = relative(ROOT, join(ROOT, file))
    if (REAL_CLOCKS.has(rel)) continue
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (!/^\s*(\/\/|\*)/.test(line) && TODAY.test(line)) readers.push(`${rel}:${i + 1}: ${line.trim()}`)
      TODAY.lastIndex = 0
    })
  }
  t.same(readers, [], 'every date comes from an injected clock (test/clock.ts in tests)')
  t.ok(REAL_CLOCKS.size > 0 && [...REAL_CLOCKS].every((f) => readFileSync(join(ROOT, f), 'utf8').match(TODAY)), 'each place that makes a real clock still does (the list is not stale)')
})
