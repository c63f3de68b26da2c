// The leadership dashboard (领导数据看板, issue 23): GET /dashboard, its stylesheet, its script
// and ECharts, all served by this service (no CDN, nothing loaded from elsewhere). The page and
// its assets are public and hold no data: the data comes from the API, read by the page with
// the bearer token the leader signs in for. Not in the OpenAPI document (pages, not API).
import { createReadStream, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { DASHBOARD_SCRIPT } from './client.js'
import { DASHBOARD_CSP, DASHBOARD_CSS, DASHBOARD_HTML, PATHS } from './page.js'

/** ECharts' browser build in node_modules, found as Node finds a package: from this module's
 *  own file, or from dist/server.mjs when bundled (node_modules lies above both). */
function echartsFile (): { path: string, size: number, etag: string } {
  const fromHere = createRequire(import.meta.url)
  const path = fromHere.resolve('echarts/dist/echarts.min.js')
  const { version } = fromHere('echarts/package.json') as { version: string }
  const size = statSync(path).size
  return { path, size, etag: `"echarts-${version}-${size}"` }
}

const route = { config: { access: 'public' as const }, schema: { hide: true } }

function asset (reply: FastifyReply, type: string, body: string) {
  // Revalidated on each load: the page and its script change together with the service.
  return reply.type(type).header('cache-control', 'no-cache').send(body)
}

export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const echarts = echartsFile() // resolved at start: a missing package fails the start, not a leader's page

  app.get(PATHS.page, route, async (_req, reply) =>
    await reply.code(200).header('cache-control', 'no-cache').header('content-security-policy', DASHBOARD_CSP)
      .type('text/html; charset=utf-8').send(DASHBOARD_HTML))

  app.get(PATHS.css, route, async (_req, reply) => await asset(reply, 'text/css; charset=utf-8', DASHBOARD_CSS))

  app.get(PATHS.script, route, async (_req, reply) => await asset(reply, 'text/javascript; charset=utf-8', DASHBOARD_SCRIPT))

  // A megabyte: revalidated by its ETag (the package's version), sent again only when it changed.
  app.get(PATHS.echarts, route, async (req, reply) => {
    reply.header('cache-control', 'public, no-cache').header('etag', echarts.etag)
    if (req.headers['if-none-match'] === echarts.etag) return await reply.code(304).send()
    return await reply.type('text/javascript; charset=utf-8').header('content-length', echarts.size)
      .send(createReadStream(echarts.path))
  })
}
