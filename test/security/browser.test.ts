// What a person sees: the verification page and the docs page opened in a real headless
// Chromium (Debian's chromium, driven by playwright-core) against the service listening on
// 127.0.0.1. Screenshots go to screenshots/ (git-ignored) for a human look.
// Needs /usr/bin/chromium and fonts-noto-cjk (.ci/run installs them); set SKIP_BROWSER_TESTS=1
// to skip on a machine without them.
// engine: sqlite-only — what Chromium shows is the same over either engine, and what the pages call is tested on PostgreSQL through the API; its screenshots are taken once
import t, { type Test } from 'tap'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { formatCertificateNumber } from '../../src/domain/certificate-number.js'
import { maskName } from '../../src/domain/identity.js'
import iconv from 'iconv-lite'
import { idNumber, post } from '../fixtures.js'
import { world } from './fixtures/world.js'

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = new URL('../../screenshots/', import.meta.url).pathname
// The docs-page journey's pictures (git-ignored; CI keeps them as artifacts). README shows two,
// committed in docs/screenshots/: UPDATE_README_SCREENSHOTS=1 makes this test write them again.
const JOURNEY = new URL('../screenshots/', import.meta.url).pathname
const README_PICTURES = new URL('../../docs/screenshots/', import.meta.url).pathname
const README_SHOWS = new Set(['clerk-sign-in.png', 'clerk-validation-error.png'])
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A Chromium of its own for test `t`, Chinese and in Shanghai's time, with the screen given. */
async function browser (t: Test, screen: { viewport: { width: number, height: number }, deviceScaleFactor: number, isMobile?: boolean, hasTouch?: boolean }): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(t.testdir(), { executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...screen })
  t.teardown(() => context.close())
  return context
}

const phone = (t: Test) => browser(t, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })
/** A clerk's desktop: 1280 × 1100 at one device pixel per CSS pixel (at a phone's two, Chromium
 *  draws four times the pixels on every step of the docs journey). */
const desktop = (t: Test) => browser(t, { viewport: { width: 1280, height: 1100 }, deviceScaleFactor: 1 })

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

  t.test('a clerk does the whole job from /docs: sign in, list, create and change an agency, a training summary, the xlsx report, a CSV upload, errors in Chinese', async (t) => {
    t.setTimeout(120_000) // one browser session for the whole journey, on a machine shared with the suite
    const w = await world(t)
    const base = await w.app.listen({ port: 0, host: '127.0.0.1' })
    const context = await desktop(t)
    const page = await context.newPage()
    const seen = watch(page)
    mkdirSync(JOURNEY, { recursive: true })
    const shot = async (name: string) => {
      await page.screenshot({ path: join(JOURNEY, name) })
      if (process.env.UPDATE_README_SCREENSHOTS === '1' && README_SHOWS.has(name)) {
        mkdirSync(README_PICTURES, { recursive: true })
        await page.screenshot({ path: join(README_PICTURES, name) })
      }
    }

    const started = performance.now()
    const res = await page.goto(`${base}/docs`)
    t.equal(res?.status(), 200)
    t.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/, 'served with a CSP')
    await page.locator('.opblock').nth(30).waitFor({ timeout: 30000 })
    // Measured, not held to 3 s here: the suite shares two cores with three test files at once
    // (bench/docs-page.ts measures it alone; README).
    t.comment(`/docs usable (operations listed) after ${Math.round(performance.now() - started)} ms`)
    t.match(await page.locator('.swagger-ui .info .title').textContent(), /行政执法人员登记系统/, 'the API title rendered')
    t.ok(await page.locator('.opblock').count() > 30, 'every operation listed')

    // Sign in from the Authorize dialog: a wrong password says so in Chinese, then the clerk's own.
    await page.locator('button.authorize').first().click()
    const dialog = page.locator('.modal-ux')
    const scheme = (name: string) => dialog.locator('.auth-container').filter({ has: page.locator('h4', { hasText: new RegExp(`^\\s*${name} \\(OAuth2`) }) })
    const password = scheme('password')
    const clients = scheme('clientCredentials')
    await password.locator('#oauth_username').fill(w.east.user.username)
    await password.locator('#oauth_password').fill('Wrong-Password-1234')
    await password.locator('.auth-btn-wrapper button.authorize').click()
    await password.getByText('用户名或密码错误 / wrong username or password', { exact: false }).waitFor({ timeout: 10000 })
    t.pass('a wrong password: the dialog shows 用户名或密码错误 / wrong username or password')
    await password.evaluate((el) => { el.scrollIntoView({ block: 'start' }) })
    await shot('clerk-sign-in-error.png')
    await password.locator('#oauth_password').fill('Side-Password-1234')
    const token = page.waitForResponse((r) => r.url().endsWith('/v1/auth/token'))
    await password.locator('.auth-btn-wrapper button.authorize').click()
    t.equal((await token).status(), 200, 'the token endpoint answers the page')
    await password.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).waitFor({ timeout: 10000 })
    t.equal(await clients.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).count(), 0, 'the client-credentials scheme is not shown authorized')
    await password.evaluate((el) => { el.scrollIntoView({ block: 'start' }) })
    await shot('clerk-sign-in.png')
    await dialog.locator('button.close-modal').click()

    /** Opens an operation, presses Try it out and returns its block. */
    const open = async (tag: string, operationId: string) => {
      const block = page.locator(`#operations-${tag}-${operationId}`)
      await block.locator('.opblock-summary').first().click()
      await block.locator('button.try-out__btn').click()
      return block
    }
    /** Presses Execute and returns what the service answered. */
    const execute = async (block: ReturnType<typeof page.locator>, path: RegExp) => {
      const answer = page.waitForResponse((r) => path.test(new URL(r.url()).pathname) && r.request().method() !== 'OPTIONS')
      await block.locator('button.execute').click()
      const r = await answer
      await block.locator('.live-responses-table .response-col_status').first().waitFor()
      return r
    }

    // Operations open as Swagger UI usually does: Try it out, no Cancel, no Execute before it.
    const list = page.locator('#operations-agencies-listAgencies')
    await list.locator('.opblock-summary').first().click()
    t.ok(await list.locator('button.try-out__btn', { hasText: 'Try it out' }).isVisible(), 'an operation opens with Try it out')
    t.equal(await list.locator('button.execute').count(), 0, 'and no Execute until it is pressed')
    t.equal(await list.locator('button', { hasText: 'Cancel' }).count(), 0, 'nor a Cancel')
    await list.locator('button.try-out__btn').click()
    const listed = await execute(list, /^\/v1\/agencies$/)
    t.equal(listed.status(), 200, 'a list, with limit as prefilled (default)')
    t.ok((await listed.json()).items.some((a: { id: number }) => a.id === w.east.agency.id), 'the clerk\'s agency in it')

    // Create an agency: the example unchanged is refused in Chinese; edited, it is registered.
    const create = await open('agencies', 'createAgency')
    const body = create.locator('textarea.body-param__text')
    const example = JSON.parse(await body.inputValue())
    t.equal(example.parentId, 0, 'the example\'s parentId is the placeholder')
    const refused = await execute(create, /^\/v1\/agencies$/)
    t.equal(refused.status(), 400, 'the example unchanged is refused')
    await create.getByText('请填写 parentId', { exact: false }).first().waitFor()
    t.pass('the validation error is shown in Chinese on the page')
    await create.locator('.live-responses-table').scrollIntoViewIfNeeded()
    await shot('clerk-validation-error.png')
    await body.fill(JSON.stringify({ ...example, parentId: w.east.agency.id }, null, 2))
    const made = await execute(create, /^\/v1\/agencies$/)
    t.equal(made.status(), 201, 'the edited example registers the agency')
    const agency = await made.json()
    t.equal(agency.name, example.name)

    // Read it for its ETag, then change it with If-Match.
    const get = await open('agencies', 'getAgency')
    await get.locator('tr[data-param-name="id"] input').fill(String(agency.id))
    const read = await execute(get, /^\/v1\/agencies\/\d+$/)
    const etag = read.headers().etag ?? ''
    t.match(etag, /^"\d+"$/, `the ETag ${etag}`)
    const patch = await open('agencies', 'updateAgency')
    await patch.locator('tr[data-param-name="id"] input').fill(String(agency.id))
    await patch.locator('tr[data-param-name="if-match"] input').fill(etag)
    const patchBody = patch.locator('textarea.body-param__text')
    const { parentId: _placeholder, ...change } = JSON.parse(await patchBody.inputValue())
    await patchBody.fill(JSON.stringify({ ...change, name: `${agency.name as string}（城区）` }))
    const changed = await execute(patch, /^\/v1\/agencies\/\d+$/)
    t.equal(changed.status(), 200, `PATCH with the ETag (${(await changed.text()).slice(0, 200)})`)
    t.equal((await changed.json()).name, `${agency.name as string}（城区）`)

    // An officer's training summary with the parameters as prefilled: today's figures.
    const summary = await open('training', 'getTrainingSummary')
    t.equal(await summary.locator('tr[data-param-name="asOf"] input').inputValue(), '', 'asOf is not prefilled')
    await summary.locator('tr[data-param-name="id"] input').fill(String(w.east.officer.id))
    const answered = await execute(summary, /\/training-summary$/)
    t.equal(answered.status(), 200)
    t.equal((await answered.json()).asOf, w.today, `the answer is dated today (${w.today})`)

    // The compliance report as xlsx, downloaded.
    const report = await open('reports', 'reportTrainingCompliance')
    await report.locator('tr[data-param-name="format"] select').selectOption('xlsx')
    const xlsx = await execute(report, /\/training-compliance$/)
    t.equal(xlsx.status(), 200)
    const downloading = page.waitForEvent('download')
    await report.locator('.response-col_description a', { hasText: 'Download file' }).click()
    const file = await downloading
    const bytes = readFileSync(await file.path())
    t.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', `an xlsx file (${bytes.length} bytes)`)

    // An officer import: the CSV file HR sent (GBK, as Excel saves it), through the file picker.
    const upload = await open('imports', 'importOfficers')
    await upload.locator('.opblock-section-request-body select').selectOption('multipart/form-data')
    const csv = `姓名,身份证号,执法主体编号,工号\n欧阳丁,${idNumber(77, '19850612', '110101')},${w.east.agency.id},EMP-east-9\n`
    await upload.locator('input[type="file"]').setInputFiles({ name: '人员名单.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gbk') })
    const imported = await execute(upload, /\/v1\/imports\/officers$/)
    t.equal(imported.status(), 200, `the upload imports (${(await imported.text()).slice(0, 200)})`)
    t.match(await imported.json(), { status: 'committed', created: 1 })
    await shot('clerk-import.png')
    t.same(seen.problems.filter((p) => !/status of 4\d\d/.test(p)), [], 'no failed asset, no CSP refusal, no script error')
  })
}
