// Tests read the database through test/db.ts, so that the suite can run on another engine; a test
// that needs SQLite itself says so (test/db.ts tells how). This fails on a test file that reaches
// SQLite (store.sqlite, better-sqlite3) without its mark, or, in a file marked "in part",
// outside a test declared sqliteOnly(…) (directly, or through a helper only such tests call).
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { engineOfFile } from '../db.js'

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url))
/** test/db.ts is where SQLite is reached on purpose; this file holds samples of what it finds. */
const EXEMPT = new Set(['db.ts', join('foundation', 'engine-marks.test.ts')])

const indent = (line: string) => line.length - line.trimStart().length
const isComment = (line: string) => /^\s*(\/\/|\/\*|\*)/.test(line)
const TEST_OPENER = /^\s*t\.test\(/
/** The better-sqlite3 connection: the store's `sqlite` (however reached), drizzle's $client
 *  under it, the package itself. */
const SQLITE = /\.sqlite\b|\[\s*['"]sqlite['"]\s*\]|\{[^}]*\bsqlite\b[^}]*\}\s*=|\$client\b|\bclientOf\(|require\(['"]better-sqlite3['"]\)/

/** Where a file reaches SQLite itself, and where its mark lets it not: a message per line that
 *  may not. */
function unmarkedSqlite (text: string): string[] {
  const lines = text.split('\n')
  const imported = /^import (\w+)(?:,.*)? from ['"]better-sqlite3['"]/m.exec(text)?.[1]
  const reaches = (line: string) => !isComment(line) && (SQLITE.test(line) ||
    (imported !== undefined && !/^import /.test(line) && new RegExp(`\\b${imported}\\b`).test(line)))
  const uses = lines.flatMap((line, i) => reaches(line) ? [i] : [])
  const mark = engineOfFile(text)
  const where = (i: number) => `line ${i + 1}: ${lines[i]?.trim().slice(0, 100) ?? ''}`
  const partly = /(?<![.\w])sqliteOnly\(/.test(text)

  if (mark === 'sqlite-only') return []
  if (mark === 'any') {
    const found = [...(imported === undefined ? [] : ['imports better-sqlite3']), ...uses.map(where)]
    if (partly) found.push('declares sqliteOnly tests without the mark "// engine: sqlite-only in part — why"')
    return found.map((f) => `reaches SQLite without the mark "// engine: sqlite-only — why" (or "in part"): ${f}`)
  }
  const found: string[] = []
  if (!partly) found.push('is marked "sqlite-only in part" but declares no test with sqliteOnly(…)')

  /** Whether line i runs only in sqliteOnly tests: inside one, or in a top-level declaration
   *  whose every use is. */
  const covered = (i: number, seen: Set<number>): boolean => {
    let threshold = indent(lines[i] ?? '')
    let top = i
    for (let j = i - 1; j >= 0 && threshold > 0; j--) {
      const line = lines[j] ?? ''
      if (line.trim() === '' || isComment(line) || indent(line) >= threshold) continue
      if (TEST_OPENER.test(line) && /(?<![.\w])sqliteOnly\(/.test(line)) return true
      threshold = indent(line)
      top = j
    }
    if (TEST_OPENER.test(lines[top] ?? '')) return false // in a test that runs on every engine
    const name = /^(?:export )?(?:async )?(?:function\*? |const |let )(\w+)/.exec(lines[top] ?? '')?.[1]
    if (name === undefined || seen.has(top)) return false
    seen.add(top)
    let end = top + 1
    while (end < lines.length && (lines[end]?.trim() === '' || indent(lines[end] ?? '') > 0 || /^[)}\]]/.test(lines[end] ?? ''))) end++
    const refs = lines.flatMap((line, k) => (k < top || k >= end) && !isComment(line) && new RegExp(`(?<![.\\w])${name}\\b`).test(line) ? [k] : [])
    return refs.length > 0 && refs.every((k) => covered(k, seen))
  }
  for (const i of uses) if (!covered(i, new Set())) found.push(`reaches SQLite outside a sqliteOnly test: ${where(i)}`)
  return found
}

t.test('every test file that reaches SQLite itself carries its mark, and in a file marked "in part" only sqliteOnly tests reach it', async (t) => {
  // test/pg/ is PostgreSQL's own (npm run test:pg): its `$client` is node-postgres.
  const files = readdirSync(TEST_DIR, { recursive: true }).map(String).filter((f) => f.endsWith('.ts') && !EXEMPT.has(f) && !f.startsWith(join('pg', ''))).sort()
  t.ok(files.length > 80, `${files.length} files looked at`)
  const marks = { 'sqlite-only': 0, 'sqlite-only in part': 0, any: 0 }
  for (const file of files) {
    const text = readFileSync(join(TEST_DIR, file), 'utf8')
    marks[engineOfFile(text)]++
    t.same(unmarkedSqlite(text), [], `test/${file}`)
  }
  t.comment(`marked sqlite-only: ${marks['sqlite-only']}, in part: ${marks['sqlite-only in part']}, neither: ${marks.any}`)
})

t.test('the check finds each kind of violation', async (t) => {
  const header = (mark: string) => `// a test file\n${mark}\nimport t from 'tap'\n`
  const inPart = header('// engine: sqlite-only in part — a trigger')
  const sample = {
    unmarked: header('') + "t.test('x', async (t) => {\n  app.store.sqlite.prepare('select 1').get()\n})\n",
    importOnly: header('') + "import Database from 'better-sqlite3'\n",
    markWithoutWhy: header('// engine: sqlite-only') + "t.test('x', async (t) => {\n  store.sqlite.exec('vacuum')\n})\n",
    markTooLate: header('\n'.repeat(20) + '// engine: sqlite-only — a trigger') + "t.test('x', async (t) => {\n  store.sqlite.exec('vacuum')\n})\n",
    outsideTheMarkedTest: inPart + "t.test('x', sqliteOnly('a trigger'), async (t) => {\n  store.sqlite.exec('vacuum')\n})\n\nt.test('y', async (t) => {\n  store.sqlite.exec('vacuum')\n})\n",
    nestedUnmarked: inPart + "t.test('x', async (t) => {\n  t.test('y', sqliteOnly('a trigger'), async (t) => {\n    ok()\n  })\n  store.sqlite.exec('vacuum')\n})\n",
    helperUsedByAnyTest: inPart + "const peek = (file) => {\n  const db = new Database(file)\n  return db\n}\nimport Database from 'better-sqlite3'\n\nt.test('x', sqliteOnly('a file'), async (t) => {\n  peek('a')\n})\n\nt.test('y', async (t) => {\n  peek('b')\n})\n",
    noMarkedTest: inPart + "t.test('x', async (t) => {\n  ok()\n})\n",
    destructured: header('') + "t.test('x', async (t) => {\n  const { sqlite } = app.store\n})\n",
    drizzleClient: header('') + "t.test('x', async (t) => {\n  clientOf(app.store.db).exec('vacuum')\n})\n",
    sqliteOnlyUnmarked: header('') + "t.test('x', sqliteOnly('a trigger'), async (t) => {\n  ok()\n})\n"
  }
  for (const [name, text] of Object.entries(sample)) t.not(unmarkedSqlite(text).length, 0, `${name}: found`)
  t.match(unmarkedSqlite(sample.outsideTheMarkedTest), [/line 9: store\.sqlite\.exec/], 'the line named')

  const allowed = {
    wholeFile: header('// engine: sqlite-only — the WAL watch') + "import Database from 'better-sqlite3'\nt.test('x', async (t) => {\n  new Database(':memory:')\n})\n",
    insideTheMarkedTest: inPart + "t.test('x', async (t) => {\n  ok()\n})\n\nt.test('y', sqliteOnly('a trigger'), async (t) => {\n  store.sqlite.exec('vacuum')\n})\n",
    nestedMarked: inPart + "t.test('x', async (t) => {\n  t.test('y', sqliteOnly('a trigger'), async (t) => {\n    store.sqlite.exec('vacuum')\n  })\n})\n",
    helperOnlyMarkedTestsUse: inPart + "import Database from 'better-sqlite3'\n\nfunction peek (file) {\n  const db = new Database(file)\n  return db\n}\n\nt.test('x', sqliteOnly('a file'), async (t) => {\n  peek('a')\n})\n",
    throughTheHelper: header('') + "t.test('x', async (t) => {\n  await queryValue(app, 'select count(*) from officers')\n})\n",
    commentOnly: header('') + '// not store.sqlite, but through test/db\n'
  }
  for (const [name, text] of Object.entries(allowed)) t.same(unmarkedSqlite(text), [], `${name}: allowed`)
})
