// What a person sees: the verification page and the docs page opened in a real headless
// Chromium (Debian's chromium, driven by playwright-core) against the service listening on
// 127.0.0.1. Screenshots go to screenshots/ (git-ignored) for a human look.
// Needs /usr/bin/chromium and fonts-noto-cjk (.ci/run installs them); set SKIP_BROWSER_TESTS=1
// to skip on a machine without them.
import t, { type Test } from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { formatCertificateNumber } from '../../src/domain/certificate-number.js'
import { maskName } from '../../src/domain/identity.js'
import { post } from '../fixtures.js'
import { world } from './fixtures/world.js'

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = new URL('../../screenshots/', import.meta.url).pathname
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

async function phone (t: Test): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(t.testdir(), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai'
  })
  t.teardown(() => context.close())
  return context
}

/** Everything a page did that a person would not see: failed loads, CSP refusals, script errors. */
function watch (page: Page) {
  const problems: string[] = []
  const requests: string[] = []
  page.on('request', (r) => { requests.push(r.url()) })
  page.on('requestfailed', (r) => { problems.push(`failed: ${r.url()} ${r.failure()?.errorText ?? ''}`) })
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  page.on('pageerror', (e) => { problems.push(`error: ${e.message}`) })
  return { problems, requests }
}

if (!existsSync(CHROMIUM) && process.env.SKIP_BROWSER_TESTS === '1') {
  t.pass('skipped: no Chromium and SKIP_BROWSER_TESTS=1')
} else {
  t.test('a phone sees the verdict, the holder\'s name and the agency; the page loads nothing else', async (t) => {
    t.ok(existsSync(CHROMIUM), `${CHROMIUM} exists (apt-get install -y chromium fonts-noto-cjk, or SKIP_BROWSER_TESTS=1)`)
    const w = await world(t)
    const base = await w.app.listen({ port: 0, host: '127.0.0.1' })
    t.match(base, /^http:\/\/127\.0\.0\.1:\d+$/, 'listening on 127.0.0.1 only')
    mkdirSync(SCREENSHOTS, { recursive: true })
    const context = await phone(t)
    const cancelled = await post(w.app, w.admin, `/v1/certificates/${w.west.certificate.id}/cancellation`, { reason: '岗位调整' })
    t.equal(cancelled.statusCode, 200)

    const cases = [
      // The name in full for a valid card (公示), masked for one no longer valid.
      { side: w.east, verdict: '有效', colour: 'rgb(21, 128, 61)', file: 'verify-valid.png', holder: w.east.officer.name },
      { side: w.west, verdict: '已注销', colour: 'rgb(185, 28, 28)', file: 'verify-cancelled.png', holder: maskName(w.west.officer.name) }
    ]
    for (const c of cases) {
      const page = await context.newPage()
      const seen = watch(page)
      const res = await page.goto(`${base}/verify/${c.side.certificate.number}`)
      t.equal(res?.status(), 200)
      const h1 = page.locator('h1')
      t.equal((await h1.textContent())?.trim(), c.verdict, `the verdict ${c.verdict}`)
      t.ok(await h1.isVisible(), 'the verdict is on screen')
      t.equal(await page.locator('.verdict').evaluate((el) => getComputedStyle(el).backgroundColor), c.colour, 'its colour (the inline stylesheet is allowed by the page CSP)')
      const fontPx = await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
      t.ok(fontPx >= 40, `large type (${fontPx}px)`)
      t.ok(await page.getByText(c.holder, { exact: true }).isVisible(), `the holder's name ${c.holder} (公示; PUBLIC_NAME_DISPLAY=masked masks it)`)
      t.ok(await page.getByText(c.side.agency.name, { exact: true }).isVisible(), 'the agency')
      t.ok(await page.getByText('查询时间（北京时间）').isVisible(), 'the time of the check')
      const text = await page.locator('body').innerText()
      t.notOk(text.includes(c.side.officer.idNumber), 'not the ID number')
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      t.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`)
      t.same(seen.requests, [`${base}/verify/${c.side.certificate.number}`], 'one request: no script, font or image')
      t.same(seen.problems, [], 'no error, no CSP refusal')
      await page.screenshot({ path: join(SCREENSHOTS, c.file), fullPage: true })
      await page.close()
    }

    const page = await context.newPage()
    const missing = await page.goto(`${base}/verify/${formatCertificateNumber({ regionCode: '140802', year: 2020, seq: 99999 })}`)
    t.equal(missing?.status(), 404, 'an unknown number')
    t.equal(await page.locator('h1').textContent(), '查无此证')
    await page.screenshot({ path: join(SCREENSHOTS, 'verify-unknown.png'), fullPage: true })
  })

  t.test('the 公示 page: the agency list and a roster render Chinese on a phone and a desktop, under the page CSP', async (t) => {
    const w = await world(t)
    const base = await w.app.listen({ port: 0, host: '127.0.0.1' })
    mkdirSync(SCREENSHOTS, { recursive: true })
    const context = await phone(t)
    const page = await context.newPage()
    const seen = watch(page)
    t.equal((await page.goto(`${base}/public`))?.status(), 200)
    t.equal((await page.locator('h1').textContent())?.trim(), '行政执法主体公示')
    t.ok(await page.getByRole('link', { name: w.east.agency.name }).isVisible(), 'the agency list')
    // Chinese drawn with CJK glyphs: each character as wide as the type is high (a missing font
    // falls back to boxes or to nothing of that width), and the heading a single line.
    const h1 = await page.locator('h1').evaluate((el) => {
      const r = el.getBoundingClientRect()
      return { width: r.width, height: r.height, font: parseFloat(getComputedStyle(el).fontSize), text: (el.textContent ?? '').length }
    })
    const range = await page.locator('h1').evaluate((el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().width })
    t.ok(Math.abs(range / h1.text - h1.font) < h1.font * 0.15, `CJK glyphs ${(range / h1.text).toFixed(1)}px wide for ${h1.font}px type`)
    const fonts = await page.evaluate(async () => { await document.fonts.ready; return document.fonts.check('16px "Noto Sans CJK SC"', '执法主体公示') })
    t.ok(fonts, 'the CJK font is there to draw it')
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'no sideways scrolling on a phone')
    const list = await page.screenshot({ path: join(SCREENSHOTS, 'public-agencies.png'), fullPage: true })
    t.ok(list.length > 10_000, `the list screenshot has content (${list.length} bytes)`)

    await page.fill('input[name="q"]', '西湖')
    await Promise.all([page.waitForURL(/\/public\?q=/), page.click('button[type="submit"]')])
    t.ok(await page.getByRole('link', { name: w.west.agency.name }).isVisible(), 'the search box narrows the list')
    t.equal(await page.getByRole('link', { name: w.east.agency.name }).count(), 0)

    await Promise.all([page.waitForURL(/\/public\/agencies\/\d+/), page.getByRole('link', { name: w.west.agency.name }).click()])
    t.ok(await page.getByText(w.west.officer.name, { exact: true }).isVisible(), 'the roster shows the holder\'s name')
    t.ok(await page.getByText(w.west.certificate.number, { exact: true }).isVisible(), 'and the card number')
    t.notOk((await page.locator('body').innerText()).includes(w.west.officer.idNumber), 'never the ID number')
    const roster = await page.screenshot({ path: join(SCREENSHOTS, 'public-roster-phone.png'), fullPage: true })
    t.ok(roster.length > 10_000, 'the roster screenshot has content')
    await page.setViewportSize({ width: 1280, height: 800 })
    t.equal(await page.locator('thead').evaluate((el) => getComputedStyle(el).display), 'table-header-group', 'a table on a desktop')
    await page.screenshot({ path: join(SCREENSHOTS, 'public-roster-desktop.png'), fullPage: true })
    t.same(seen.problems, [], 'no error, no CSP refusal')
    t.ok(seen.requests.every((u) => u.startsWith(`${base}/public`)), 'nothing loaded but the pages themselves')
  })

  t.test('the docs page (Swagger UI) loads all its assets under the security headers', async (t) => {
    const w = await world(t)
    const base = await w.app.listen({ port: 0, host: '127.0.0.1' })
    const context = await phone(t)
    const page = await context.newPage()
    await page.setViewportSize({ width: 1280, height: 900 })
    const seen = watch(page)
    const res = await page.goto(`${base}/docs`)
    t.equal(res?.status(), 200)
    t.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'served with a CSP')
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20000 })
    t.match(await page.locator('.swagger-ui .info .title').textContent(), /行政执法人员登记系统/, 'the API title rendered')
    await page.locator('.opblock').first().waitFor()
    t.ok(await page.locator('.opblock').count() > 30, 'every operation listed')
    t.ok(await page.locator('button.authorize').isVisible(), 'the Authorize button')
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: join(SCREENSHOTS, 'docs.png') })

    // A clerk signs in from the page: the password flow posts the form to /v1/auth/token.
    await page.locator('button.authorize').first().click()
    await page.locator('#oauth_username').first().fill(w.east.user.username)
    await page.locator('#oauth_password').first().fill('Side-Password-1234')
    const token = page.waitForResponse((r) => r.url().endsWith('/v1/auth/token'))
    await page.locator('.auth-btn-wrapper button.authorize').first().click()
    t.equal((await token).status(), 200, 'the token endpoint answers the page')
    await page.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).first().waitFor({ timeout: 10000 })
    t.pass('signed in from the docs page')
    t.same(seen.problems, [], 'no failed asset, no CSP refusal, no script error')
  })
}
