// npm test's first step: lint (eslint), typecheck (tsc) and the build of dist/ (the bundles the
// tests of the commands and the server start, as npm run does) at the same time, each one's
// output printed whole when it ends (not interleaved); exit 1 when any failed.
import { spawn } from 'node:child_process'

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname
const checks = [
  ['lint', bin('eslint'), ['.']],
  ['typecheck', bin('tsc'), ['--noEmit']],
  ['build', process.execPath, [new URL('build.mjs', import.meta.url).pathname]]
]

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
process.exit(results.every((r) => r.code === 0) ? 0 : 1)
