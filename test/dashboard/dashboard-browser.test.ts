// The leadership dashboard (/dashboard) opened in a real headless Chromium (Debian's chromium,
// driven by playwright-core) against the service listening on 127.0.0.1, over the demo city
// seeded at a tenth of its size: a leader signs in, picks 2026, reads the charts (their numbers
// are the API's), clicks a bar for that agency's officers, and prints. Screenshots go to
// test/screenshots/ (git-ignored); UPDATE_README_SCREENSHOTS=1 also writes the two README shows
// (docs/screenshots/dashboard-*.png). Needs /usr/bin/chromium and fonts-noto-cjk; set
// SKIP_BROWSER_TESTS=1 to skip on a machine without them.
// engine: sqlite-only — the demo seed writes a SQLite file, and what Chromium shows is the same over either engine (the API it reads is tested on PostgreSQL by the reports' own tests)
import t, { type Test } from 'tap'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { testConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/db/sqlite/store.js'
import { DEMO_CLERK } from '../../seeds/accounts.js'
import { seed } from '../../seeds/seed.js'
import { buildTestApp } from '../helper.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SHOTS = new URL('../screenshots/', import.meta.url).pathname
const README_PICTURES = new URL('../../docs/screenshots/', import.meta.url).pathname
const YEAR = 2026
const TOKEN_KEY = 'registry.dashboard.token'

/** Waits for the board to finish loading; throws with what the page says when anything failed. */
async function loaded (page: Page) {
  await page.waitForSelector('body[data-state^="ready"]', { timeout: 20_000 })
  const state = await page.evaluate(() => document.body.dataset.state)
  if (state !== 'ready') throw new Error(`the board loaded with errors: ${await page.locator('#error').textContent() ?? ''}`)
}

/** Everything a page did that a person would not see: failed loads, CSP refusals, script errors. */
function watch (page: Page) {
  const problems: string[] = []
  const requests: string[] = []
  page.on('request', (r) => { requests.push(r.url()) })
  page.on('requestfailed', (r) => { problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`) })
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`status ${r.status()}: ${r.url()}`) })
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  page.on('pageerror', (e) => { problems.push(`error: ${e.message}`) })
  return { problems, requests }
}

/** The demo city, seeded on a fixed day, served on 127.0.0.1 with the tests' clock. */
async function city (t: Test) {
  const config = testConfig({ DATABASE_PATH: join(t.testdir(), 'registry.db') })
  const store = openSqliteStore(config)
  t.teardown(() => store.close())
  const seeded = await seed(store, config, { today: '2026-11-20', scale: 0.1, demoAccounts: true })
  t.comment(`demo city seeded in ${(seeded.ms / 1000).toFixed(1)} s`)
  const { app } = await buildTestApp(t, { DATABASE_PATH: config.DATABASE_PATH }, { store })
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const token = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', ...DEMO_CLERK } })
  const authorization = `Bearer ${token.json().access_token as string}`
  /** What the API answers the clerk, straight. */
  const api = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization } })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return res.json()
  }
  return { app, base, api }
}

async function signIn (page: Page, base: string) {
  const res = await page.goto(`${base}/dashboard`)
  await page.locator('#username').fill(DEMO_CLERK.username)
  await page.locator('#password').fill(DEMO_CLERK.password)
  await page.locator('#signin-button').click()
  await loaded(page)
  return res
}

async function pickYear (page: Page, year: number) {
  await page.locator('#year').selectOption(String(year))
  await loaded(page)
}

/** A chart's option as ECharts holds it (series data included). */
async function option (page: Page, id: string): Promise<{ series: Array<{ data: unknown[] }>, yAxis: Array<{ data: string[] }>, title: Array<{ text?: string }> }> {
  return await page.evaluate((id) => {
    const w = window as unknown as { echarts: { getInstanceByDom (el: Element): { getOption (): unknown } | undefined } }
    const el = document.getElementById(id)
    const chart = el && w.echarts.getInstanceByDom(el)
    if (!chart) throw new Error(`no chart in #${id}`)
    return JSON.parse(JSON.stringify(chart.getOption()))
  }, id)
}

type Bucket = { key: string, label: string, officers: { active: number }, certificates: { live: number }, training: { complianceRate: { percent: number | null, denominator: number } }, assessments: Record<string, number> }
type Statistics = { year: number, total: Bucket, items: Bucket[], nextCursor: string | null, certificatesByMonth: Array<{ month: string, expiring: number, awaitingRecall: number }> }
type Plans = { items: Array<{ agencyId: number, agencyName: string, plan: { totalHours: number } | null, delivered: { totalHours: number } }>, nextCursor: string | null }
type Compliance = { items: Array<{ name: string, agencyId: number }>, nextCursor: string | null }
type Staffing = { items: Array<{ agencyName: string, compliant: boolean }>, nextCursor: string | null }

if (!existsSync(CHROMIUM) && process.env.SKIP_BROWSER_TESTS === '1') {
  t.pass('skipped: no Chromium and SKIP_BROWSER_TESTS=1')
} else {
  t.test('a leader signs in, picks 2026, reads the charts (the API\'s own numbers), drills into an agency and prints', async (t) => {
    t.ok(existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install -y chromium fonts-noto-cjk, or SKIP_BROWSER_TESTS=1)`)
    const started = performance.now()
    const { base, api } = await city(t)
    t.match(base, /^http:\/\/127\.0\.0\.1:\d+$/, 'listening on 127.0.0.1 only')
    mkdirSync(SHOTS, { recursive: true })
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
    t.teardown(() => browser.close())
    const shown = async (page: Page, name: string, readme = false) => {
      await page.screenshot({ path: join(SHOTS, name), fullPage: true })
      if (readme && process.env.UPDATE_README_SCREENSHOTS === '1') {
        mkdirSync(README_PICTURES, { recursive: true })
        copyFileSync(join(SHOTS, name), join(README_PICTURES, name))
      }
    }

    t.test('on a desktop', async (t) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      t.teardown(() => context.close())
      const page = await context.newPage()
      const seen = watch(page)

      const res = await signIn(page, base)
      t.equal(res?.status(), 200)
      t.match(res?.headers()['content-security-policy'] ?? '', /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/, 'served under its own strict policy')
      t.ok(await page.locator('#board').isVisible(), 'signed in: the board')
      t.notOk(await page.locator('#signin').isVisible(), 'and the sign-in form gone')
      const stored = await page.evaluate((key) => ({ session: sessionStorage.getItem(key), local: localStorage.length, cookie: document.cookie }), TOKEN_KEY)
      t.match(stored, { session: /^\S+\.\S+\.\S+$/, local: 0, cookie: '' }, 'the token in this tab\'s sessionStorage only: no cookie, nothing kept beyond the tab')
      await pickYear(page, YEAR)
      t.equal(await page.locator('#year').inputValue(), String(YEAR))

      const stats = await api<Statistics>(`/v1/reports/statistics?year=${YEAR}&groupBy=agency&limit=500`)
      t.equal(stats.nextCursor, null, 'the demo city\'s agencies on one page')
      t.ok(stats.items.length > 20, `${stats.items.length} agencies`)

      // The compliance chart holds the API's rate for every agency, and nothing else.
      const compliance = await option(page, 'chart-compliance')
      const bars = (compliance.series[0]?.data ?? []) as Array<{ key: string, name: string, value: number | null }>
      const byKey = (rows: Array<[string, unknown]>) => [...rows].sort((a, b) => Number(a[0]) - Number(b[0]))
      t.same(byKey(bars.map((b) => [b.key, b.value])), byKey(stats.items.map((b) => [b.key, b.training.complianceRate.percent])), 'the bars are the API\'s compliance rates, agency by agency')
      t.same(bars.map((b) => b.name), compliance.yAxis[0]?.data, 'each bar under its agency\'s name')
      t.same(bars.map((b) => b.name).sort(), stats.items.map((b) => b.label).sort())

      // The headline figures, the monthly certificates and the grades: the API's totals.
      t.equal(await page.locator('#fig-officers').textContent(), stats.total.officers.active.toLocaleString('zh-CN'), 'officers active')
      t.equal(await page.locator('#fig-certificates').textContent(), stats.total.certificates.live.toLocaleString('zh-CN'), 'certificates live')
      const rate = stats.total.training.complianceRate.percent
      t.equal(await page.locator('#fig-compliance').textContent(), rate === null ? '—' : `${rate}%`, 'the compliance rate')
      const months = await option(page, 'chart-certificates')
      t.same(months.series.map((s) => s.data), [stats.certificatesByMonth.map((m) => m.expiring), stats.certificatesByMonth.map((m) => m.awaitingRecall)], 'expiring and awaiting recall, month by month')
      t.equal(months.series[0]?.data.length, 12)
      // The seed grades the closed year only: 2026's pie shows 2025's, saying so.
      const grades = await option(page, 'chart-grades')
      t.same(Object.values(stats.total.assessments), [0, 0, 0, 0], `${YEAR}'s 年度考核 not recorded yet`)
      const a = (await api<Statistics>(`/v1/reports/statistics?year=${YEAR - 1}&groupBy=level&limit=1`)).total.assessments
      t.ok((a.competent ?? 0) > 0, `${YEAR - 1}'s grades recorded`)
      t.same(grades.series[0]?.data, [{ name: '优秀', value: a.excellent }, { name: '称职', value: a.competent }, { name: '基本称职', value: a.basicallyCompetent }, { name: '不称职', value: a.incompetent }], `the grades: ${YEAR - 1}'s`)
      t.equal(grades.title[0]?.text, `${YEAR - 1}年度考核结果（${YEAR}年度尚未登记）`, 'the pie says whose year it shows')

      // Training delivered against planned, agency by agency.
      const plans = await api<Plans>(`/v1/reports/training-plans?year=${YEAR}&limit=500`)
      const training = await option(page, 'chart-training')
      t.same(training.yAxis[0]?.data, plans.items.map((r) => r.agencyName), 'one pair of bars per agency')
      t.same(training.series.map((s) => s.data), [plans.items.map((r) => r.plan?.totalHours ?? null), plans.items.map((r) => r.delivered.totalHours)], 'planned and delivered hours')

      // The 5% list: the agencies short of legal reviewers.
      const staffing = await api<Staffing>('/v1/reports/staffing?limit=500')
      const short = staffing.items.filter((r) => !r.compliant).map((r) => r.agencyName)
      t.ok(short.length > 0, `${short.length} agencies short in the demo city`)
      t.same(await page.locator('#staffing-table tbody tr td:first-child').allTextContents(), short, 'the shortfall list, largest first')
      await shown(page, 'dashboard-desktop.png', true)

      // A real click on a bar: that agency's officers, as the compliance report lists them. The
      // chart shows 16 agencies at a time (its slider moves along the rest): the bar is brought
      // into the window as the slider would, then clicked where it is drawn.
      // The agency with the most officers among the first screenful whose bar is wide enough.
      const wide = bars.map((b, index) => ({ ...b, index })).filter((b) => b.index < 16 && (b.value ?? 0) >= 5)
      t.ok(wide.length > 0, 'a bar wide enough to click')
      const denominator = (key: string) => stats.items.find((b) => b.key === key)?.training.complianceRate.denominator ?? 0
      const bar = wide.reduce((a, b) => denominator(b.key) > denominator(a.key) ? b : a) as { key: string, name: string, value: number, index: number }
      const target = bar.index
      await page.locator('#chart-compliance').scrollIntoViewIfNeeded()
      const point = await page.evaluate(({ index, value }) => {
        type Chart = { convertToPixel (finder: object, value: number[]): number[], dispatchAction (action: object): void }
        const w = window as unknown as { echarts: { getInstanceByDom (el: Element): Chart } }
        const el = document.getElementById('chart-compliance') as HTMLElement
        const chart = w.echarts.getInstanceByDom(el)
        chart.dispatchAction({ type: 'dataZoom', startValue: index, endValue: index + 15 })
        const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [value / 2, index]) as [number, number]
        const box = el.getBoundingClientRect()
        return { x: box.left + x, y: box.top + y }
      }, { index: target, value: bar.value })
      await page.mouse.click(point.x, point.y)
      await page.waitForSelector('body[data-state="drilled"]', { timeout: 20_000 })
      // The report is of the agency and those below it; the bar, and its drill, of its own officers.
      const report = await api<Compliance>(`/v1/reports/training-compliance?agencyId=${bar.key}&year=${YEAR}&limit=500`)
      const officers = { items: report.items.filter((o) => String(o.agencyId) === bar.key) }
      t.ok(officers.items.length > 0, `${bar.name}: ${officers.items.length} officers`)
      t.match(await page.locator('#drill-title').textContent(), new RegExp(`^${bar.name.replace(/[()（）]/g, '.')} · ${YEAR}年度执法人员学时明细（共 ${officers.items.length} 人`), 'the agency clicked, its officers counted')
      t.same(await page.locator('#drill-table tbody tr td:first-child').allTextContents(), officers.items.map((o) => o.name), 'every officer of that agency, by name')
      await page.locator('#compliance').screenshot({ path: join(SHOTS, 'dashboard-drill.png') })

      // Printed: A4, each section on a page of its own.
      await page.emulateMedia({ media: 'print' })
      const breaks = await page.locator('section.sheet').evaluateAll((sheets) => sheets.map((s) => [s.id, getComputedStyle(s).breakBefore]))
      t.same(breaks, [['overview', 'auto'], ['compliance', 'page'], ['staffing', 'page'], ['certificates', 'page'], ['grades', 'page'], ['training', 'page']], 'every section after the first starts a page')
      t.notOk(await page.locator('#filters').isVisible(), 'no filters on paper')
      t.ok(await page.locator('#print-caption').isVisible(), 'but what was chosen, said in words')
      t.equal(await page.locator('#compliance-table tbody tr').count(), stats.items.length, 'and every agency\'s rate in a table (the chart shows a window of them)')
      t.equal(await page.locator('#training-table tbody tr').count(), plans.items.length, 'every agency\'s plan too')
      const overflowing = await page.locator('.chart').evaluateAll((charts) => charts.filter((c) => {
        const canvas = c.querySelector('canvas')
        return canvas === null || canvas.getBoundingClientRect().width > c.getBoundingClientRect().width + 1
      }).map((c) => c.id))
      t.same(overflowing, [], 'every chart drawn within its column')
      const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
      writeFileSync(join(SHOTS, 'dashboard-print.pdf'), pdf)
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length
      t.ok(pages >= breaks.length, `a PDF of ${pages} A4 pages (${pdf.length} bytes)`)
      await page.emulateMedia({ media: 'screen' })

      await page.locator('#signout').click()
      t.ok(await page.locator('#signin').isVisible(), 'signed out: the sign-in form')
      t.equal(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY), null, 'and the token gone')
      t.equal(await page.locator('#fig-officers').textContent(), '—', 'nothing of the figures left for the next leader')

      t.same(seen.problems, [], 'no failed request, no error, no CSP refusal')
      t.same(seen.requests.filter((u) => !u.startsWith(`${base}/`)), [], 'every request to the service itself')
      t.ok(seen.requests.some((u) => u === `${base}/dashboard/echarts.min.js`), 'ECharts from the service')
    })

    t.test('on a tablet: readable without sideways scrolling', async (t) => {
      const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, deviceScaleFactor: 1, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      t.teardown(() => context.close())
      const page = await context.newPage()
      const seen = watch(page)
      await signIn(page, base)
      await pickYear(page, YEAR)
      t.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 768, 'no sideways scrolling')

      // An area: a county and everything under it, as the API counts it.
      const county = (await page.locator('#area option').allTextContents()).map((n) => n.trim()).find((n) => /县人民政府$/.test(n))
      t.ok(county, `a county to pick (${county ?? 'none'})`)
      await page.locator('#area').selectOption({ label: (await page.locator('#area option', { hasText: county as string }).first().textContent()) as string })
      await loaded(page)
      const areaId = await page.locator('#area').inputValue()
      const inArea = await api<Statistics>(`/v1/reports/statistics?year=${YEAR}&groupBy=agency&agencyId=${areaId}&limit=500`)
      const areaBars = ((await option(page, 'chart-compliance')).series[0]?.data ?? []) as Array<{ key: string }>
      t.same(areaBars.map((b) => b.key).sort(), inArea.items.map((b) => b.key).sort(), `the county's ${inArea.items.length} agencies, no others`)
      t.equal(await page.locator('#fig-officers').textContent(), inArea.total.officers.active.toLocaleString('zh-CN'), 'its officers counted')
      t.match(await page.locator('#print-caption').textContent(), county as string, 'and named on the printout')
      await page.locator('#area').selectOption('')
      await loaded(page)
      const chart = await page.locator('#chart-compliance').boundingBox()
      t.ok(chart !== null && chart.width > 600 && chart.width <= 768, `the chart fits the screen (${chart?.width ?? 0}px)`)
      const fonts = await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px "Noto Sans CJK SC"', '学时达标率') })
      t.ok(fonts, 'the CJK font is there to draw it')
      await shown(page, 'dashboard-tablet.png', true)
      t.same(seen.problems, [], 'no failed request, no error, no CSP refusal')
      t.same(seen.requests.filter((u) => !u.startsWith(`${base}/`)), [], 'every request to the service itself')
    })

    t.test('a wrong password and a refusal of the API are said in Chinese; a token no longer accepted sends the leader back to sign in', async (t) => {
      const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
      t.teardown(() => context.close())
      const page = await context.newPage()
      await page.goto(`${base}/dashboard`)
      await page.locator('#username').fill(DEMO_CLERK.username)
      await page.locator('#password').fill('Wrong-Password-1234')
      await page.locator('#signin-button').click()
      await page.locator('#signin-error').waitFor({ state: 'visible' })
      t.equal(await page.locator('#signin-error').textContent(), '用户名或密码错误', 'the service\'s detail, in Chinese')
      await page.screenshot({ path: join(SHOTS, 'dashboard-sign-in-error.png') })

      // A refusal of the API is said on the page, in Chinese: an agency not in the leader's scope.
      await signIn(page, base)
      await page.locator('#area').evaluate((select) => { select.append(new Option('（已撤销的主体）', '999999')) })
      await page.locator('#area').selectOption('999999')
      await page.waitForSelector('body[data-state="ready-with-errors"]', { timeout: 20_000 })
      t.match(await page.locator('#error').textContent(), /^未找到所需数据：在您的权限范围内找不到该执法主体/, 'the problem\'s title in Chinese, the English detail left out')
      t.ok(await page.locator('#error').isVisible())

      await page.evaluate((key) => { sessionStorage.setItem(key, 'not-a-token') }, TOKEN_KEY)
      await page.reload()
      await page.waitForSelector('body[data-state="signed-out"]', { timeout: 20_000 })
      t.ok(await page.locator('#signin').isVisible(), 'the sign-in form again')
      t.notOk(await page.locator('#board').isVisible(), 'the board hidden')
      t.equal(await page.locator('#signin-error').textContent(), '登录已失效，请重新登录。')
      t.equal(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_KEY), null, 'the token forgotten')
    })

    t.teardown(() => { t.comment(`dashboard browser test: ${Math.round(performance.now() - started)} ms`) })
  })
}
