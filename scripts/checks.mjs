// npm test's first step: lint (eslint), typecheck (tsc) and the build of dist/ (the bundles the
// tests of the commands and the server start, as npm run does) at the same time, each one's
// output printed whole when it ends (not interleaved); exit 1 when any failed.
//
// When lint and typecheck both pass, a stamp of the tree they passed on is written
// (.tap/checks-passed: a hash of every file git sees, tracked or new but not ignored, lockfile
// included). The next run on the same tree says so and skips them (the build always runs): .ci/run
// runs them while better-sqlite3 compiles, then npm test. A failed check writes no stamp, and any
// change to a file, a new file or another lockfile is another tree. Outside a git checkout there
// is no stamp: they always run. `node scripts/checks.mjs --stamp-only`: lint and typecheck only.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const STAMP = `${ROOT}.tap/checks-passed`
const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname
const stampOnly = process.argv.includes('--stamp-only')

/** The hash of the tree the checks see, or undefined outside a git checkout. */
function treeHash () {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'buffer' })
  if (listed.status !== 0) return undefined
  const hash = createHash('sha256')
  for (const file of listed.stdout.toString('utf8').split('\0').filter(Boolean).sort()) {
    let content
    try { content = readFileSync(`${ROOT}${file}`) } catch { content = Buffer.from('(gone)') }
    hash.update(`${file}\0${content.length}\0`).update(content)
  }
  return hash.digest('hex')
}

const tree = treeHash()
let stamped
try { stamped = readFileSync(STAMP, 'utf8').trim() } catch {}
const passedAlready = tree !== undefined && stamped === tree

const checks = [
  ...(passedAlready ? [] : [['lint', bin('eslint'), ['.']], ['typecheck', bin('tsc'), ['--noEmit']]]),
  ...(stampOnly ? [] : [['build', process.execPath, [new URL('build.mjs', import.meta.url).pathname]]])
]
if (passedAlready) process.stdout.write('> lint, typecheck: passed already on this tree (.tap/checks-passed)\n')

const results = await Promise.all(checks.map(([name, cmd, args]) => new Promise((resolve) => {
  const started = Date.now()
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  child.on('close', (code) => resolve({ name, code, output, seconds: (Date.now() - started) / 1000 }))
  child.on('error', (err) => resolve({ name, code: 1, output: String(err), seconds: 0 }))
})))
for (const r of results) {
  process.stdout.write(`> ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n${r.output}`)
}
const passed = results.every((r) => r.code === 0)
// The tree is hashed again: a file changed while the checks ran is not vouched for.
if (passed && !passedAlready && tree !== undefined && treeHash() === tree) {
  mkdirSync(`${ROOT}.tap`, { recursive: true })
  writeFileSync(STAMP, `${tree}\n`)
}
process.exit(passed ? 0 : 1)
