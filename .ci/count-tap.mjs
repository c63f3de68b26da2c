// Counts the test points of a TAP stream: every "ok" / "not ok" line that is an assertion,
// not the summary line of a subtest (a subtest's summary follows its indented block).
// Prints "tests: N passed, M failed". Usage: node .ci/count-tap.mjs FILE [exitStatus]
import { readFileSync } from 'node:fs'

const lines = readFileSync(process.argv[2], 'utf8').split('\n')
const status = Number(process.argv[3] ?? 0)
const indent = (l) => l.length - l.trimStart().length
let passed = 0
let failed = 0
let prev = ''
let inYaml = false
for (const line of lines) {
  // A failure's details (between --- and ...) are neither points nor what a summary follows.
  if (/^\s*---\s*$/.test(line)) { inYaml = true; continue }
  if (inYaml) { if (/^\s*\.\.\.\s*$/.test(line)) inYaml = false; continue }
  const m = /^(\s*)(not ok|ok)\b/.exec(line)
  if (m) {
    const isSummary = prev !== '' && indent(prev) > m[1].length
    const skipped = /#\s*(SKIP|TODO)\b/i.test(line)
    if (!isSummary && !skipped) {
      if (m[2] === 'ok') passed++
      else failed++
    }
  }
  if (line.trim() !== '' && !/^\s*(---|\.\.\.)/.test(line) && !/^\s*#/.test(line)) prev = line
}
// Lint, typecheck or a crashed runner fail the run even when no assertion failed.
if (status !== 0 && failed === 0) failed = 1
console.log(`tests: ${passed} passed, ${failed} failed`)
