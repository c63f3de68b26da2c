// npx tsx bench/docs-page.ts [--rounds 5]: how long /docs takes to become usable (every operation
// listed) in headless Chromium, opened afresh each round (no cache), against the service on
// 127.0.0.1 over an empty in-memory registry. Prints each round and the median. Not part of npm test.
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } })
const rounds = Number(values.rounds)
const app = await buildApp(testConfig())
const base = await app.listen({ port: 0, host: '127.0.0.1' })
const size = (await app.inject({ method: 'GET', url: '/openapi.json' })).rawPayload.length
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] })
const times: number[] = []
// The CPU time Chromium's processes (every descendant of this one) spent on the load: on a busy
// machine the wall time also counts the waits for a core; an idle one takes about this long or
// less (the renderer, the GPU and network processes run side by side).
const busy: number[] = []
function chromiumCpuMs (): number {
  const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
      return [{ pid: Number(pid), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }]
    } catch { return [] }
  })
  const ours = new Set([process.pid])
  for (let grew = true; grew;) {
    grew = false
    for (const s of stats) if (!ours.has(s.pid) && ours.has(s.ppid)) { ours.add(s.pid); grew = true }
  }
  return stats.filter((s) => s.pid !== process.pid && ours.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0) * 10
}
try {
  for (let i = 0; i < rounds; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const cpuBefore = chromiumCpuMs()
    const started = performance.now()
    await page.goto(`${base}/docs`)
    await page.locator('.opblock').nth(60).waitFor({ timeout: 60_000 })
    times.push(Math.round(performance.now() - started))
    busy.push(chromiumCpuMs() - cpuBefore)
    await context.close()
  }
} finally {
  await browser.close()
  await app.close()
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
process.stdout.write(`document ${size} bytes; /docs usable after ${times.join(', ')} ms, median ${median(times)} ms; ` +
  `Chromium's CPU time ${busy.join(', ')} ms, median ${median(busy)} ms (load average ${loadavg()[0]?.toFixed(2)})\n`)
