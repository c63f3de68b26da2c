// The leadership dashboard as the service sends it (GET /dashboard and its assets), without a
// browser: public, under its own strict policy, in Chinese, and loading nothing from elsewhere.
// (test/dashboard/dashboard-browser.test.ts opens it in Chromium.) Also from the bundle npm
// start runs, which finds ECharts in node_modules from dist/.
// machine date: not read — the bundle it starts is asked for the page and ECharts' file, nothing of a day
import t from 'tap'
import { join } from 'node:path'
import { Script } from 'node:vm'
import { startChild } from '../../bench/proc.js'
import { DASHBOARD_CSP } from '../../src/modules/dashboard/page.js'
import { buildTestApp } from '../helper.js'
import { BUILT } from '../integration/cli.js'

t.test('the page and its assets', async (t) => {
  const { app } = await buildTestApp(t, { LOG_LEVEL: 'silent' })

  t.test('/dashboard is a Chinese HTML page under its own strict policy, needing no token', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/dashboard' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    const csp = String(res.headers['content-security-policy'])
    t.equal(csp, DASHBOARD_CSP, 'the page\'s own policy, not the docs page\'s')
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => { const [name, ...values] = d.split(' '); return [name, values.join(' ')] }))
    t.same(directives, {
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data:",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'"
    }, 'scripts, styles and calls from this service only; nothing framed, no form posted anywhere')
    t.notMatch(csp, /unsafe-(inline|eval)/, 'neither inline code nor eval')
    const html = res.body
    t.match(html, /<html lang="zh-CN">/)
    t.match(html, /<title>行政执法数据看板<\/title>/)
    for (const words of ['学时达标率', '法制审核人员配备缺口（5%）', '证件到期与待收回（按月）', '培训计划学时与完成学时', '年度考核等次', '领导登录']) {
      t.ok(html.includes(words), `the page says ${words}`)
    }
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    t.same(scripts.map((s) => /\bsrc="([^"]+)"/.exec(s[1] ?? '')?.[1]), ['/dashboard/echarts.min.js', '/dashboard/dashboard.js'], 'two scripts, both from this service')
    t.ok(scripts.every((s) => s[2] === ''), 'no inline script')
    t.notMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style, no inline event handler')
    const urls = [...html.matchAll(/\b(?:src|href|action)="([^"]*)"/g)].map((m) => m[1])
    t.same(urls.filter((u) => !u?.startsWith('/dashboard/') && u !== 'data:,'), [], `every address on the page is this service's (${urls.join(', ')}; the icon an empty data: one, asked of nobody)`)
    t.notMatch(html, /https?:|\/\//i, 'no http(s) address and no protocol-relative one')
  })

  t.test('its stylesheet and script: from this service, referring to nothing elsewhere', async (t) => {
    const css = await app.inject({ method: 'GET', url: '/dashboard/dashboard.css' })
    t.equal(css.statusCode, 200)
    t.match(css.headers['content-type'], /^text\/css/)
    t.match(css.body, /@media print/, 'a print stylesheet')
    t.match(css.body, /@page\s*\{\s*size:\s*A4/, 'on A4')
    t.match(css.body, /break-before:\s*page/, 'one section per page')
    t.notMatch(css.body, /https?:|url\(|@import/i, 'no font, image or sheet loaded from anywhere')

    const js = await app.inject({ method: 'GET', url: '/dashboard/dashboard.js' })
    t.equal(js.statusCode, 200)
    t.match(js.headers['content-type'], /^text\/javascript; charset=utf-8/)
    t.doesNotThrow(() => new Script(js.body, { filename: 'dashboard.js' }), 'the script parses')
    t.notMatch(js.body, /https?:\/\//, 'no absolute address: the API is this service\'s')
    t.notMatch(js.body, /\beval\(|new Function|innerHTML|localStorage/, 'no eval, no markup from data, the token not kept beyond the tab')
    t.match(js.body, /sessionStorage/, 'the token in the tab\'s session storage')
  })

  t.test('ECharts is served from node_modules, as JavaScript, revalidated by its version', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/dashboard/echarts.min.js' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/javascript; charset=utf-8/)
    t.ok(res.rawPayload.length > 500_000, `the whole library (${res.rawPayload.length} bytes)`)
    t.equal(Number(res.headers['content-length']), res.rawPayload.length)
    t.match(res.body.slice(0, 2000), /Apache|echarts/i, 'ECharts itself')
    const etag = String(res.headers.etag)
    t.match(etag, /^"echarts-6\.\d+\.\d+-\d+"$/)
    const again = await app.inject({ method: 'GET', url: '/dashboard/echarts.min.js', headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304, 'not sent again while unchanged')
    t.equal(again.rawPayload.length, 0)
  })

  t.test('the data is not public: the API the page reads still asks for a token', async (t) => {
    for (const url of ['/v1/reports/statistics?year=2026', '/v1/reports/staffing', '/v1/reports/training-compliance?year=2026']) {
      const res = await app.inject({ method: 'GET', url })
      t.equal(res.statusCode, 401, url)
    }
  })
})

t.test('the bundle npm start runs serves the page and ECharts from node_modules too', async (t) => {
  const server = await startChild(BUILT.server, { DATABASE_PATH: join(t.testdir(), 'bundle.db'), REGISTRY_ADMIN_PASSWORD: 'Admin-Password-1', LOG_LEVEL: 'silent' })
  t.teardown(() => server.stop())
  const page = await fetch(`${server.url}/dashboard`)
  t.equal(page.status, 200)
  t.equal(page.headers.get('content-security-policy'), DASHBOARD_CSP)
  const echarts = await fetch(`${server.url}/dashboard/echarts.min.js`)
  t.equal(echarts.status, 200, 'found from dist/server.mjs')
  t.ok((await echarts.arrayBuffer()).byteLength > 500_000, 'the whole library')
  const script = await (await fetch(`${server.url}/dashboard/dashboard.js`)).text()
  t.doesNotThrow(() => new Script(script, { filename: 'dashboard.js' }), 'the page\'s script, whole')
  await server.stop()
})
