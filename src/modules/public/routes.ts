// 公示 (rule 8): GET /v1/public/agencies, GET /v1/public/agencies/{id}/officers, and the Chinese
// page /public (with /public/agencies/{id}). No token; rate-limited per client like /verify
// (src/plugins/hardening.ts PUBLIC_PREFIXES).
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { paged } from '../../http/pagination.js'
import { htmlPageErrorHandler, sendHtmlPage } from '../../http/html-page.js'
import { IdParams, Page, PageQuery, Problem, Query, problems } from '../../http/schemas.js'
import { PUBLIC_PAGE_CSP, renderAgencyList, renderPublicProblem, renderRoster } from './page.js'
import { AgencyFilter, PublicAgency, PublicHolder } from './schema.js'
import type { PublicService } from './service.js'

const tags = ['public']

const Html = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } })

const sendPage = (reply: FastifyReply, status: number, html: string) => sendHtmlPage(reply, PUBLIC_PAGE_CSP, status, html)

// The page answers its refusals as Chinese pages for a browser (and always for 429, as /verify
// does); other clients get problem+json.
const pageErrorHandler = htmlPageErrorHandler(PUBLIC_PAGE_CSP, 'public page', (status, retryAfter) => {
  const [title, text] = status === 404
    ? ['查无此执法主体', '该执法主体不存在，或尚未经确认公告。']
    : status === 429
      ? ['查询过于频繁', `请${retryAfter ? `于 ${retryAfter} 秒后` : '稍后'}再试。`]
      : status === 400 ? ['无法识别的查询', '请返回列表重新查询。'] : ['暂时无法查询', '系统暂时无法完成查询，请稍后再试。']
  return renderPublicProblem(title, text)
})

const nextHref = (base: string, params: Record<string, string>, cursor: string | null) => {
  if (cursor === null) return null
  const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).filter(([, v]) => v !== '')), cursor })
  return `${base}?${q.toString()}`
}

export const publicRoutes: FastifyPluginAsyncTypebox<{ publicView: PublicService }> = async (app, { publicView }) => {
  app.get('/v1/public/agencies', {
    config: { access: 'public' },
    schema: {
      tags,
      operationId: 'listPublicAgencies',
      summary: '执法主体公示 Confirmed agencies (public)',
      security: [],
      description: '公众可查的经确认公告的行政执法主体（本年度已确认，或上年度确认且在宽限期内）：名称、类别、层级、区划、执法领域、最近确认年度及公告文号；可按区划、名称、执法领域筛选，分页。无需登录，按客户端限流。' +
        ' Confirmed enforcement bodies (this year\'s confirmation, or last year\'s within the grace period), public, no token, rate-limited per client: name, kind, level, region, domains, the latest confirmation year and 公告文号; filter by region, name, domain; paged.',
      querystring: Query({ ...PageQuery, ...AgencyFilter }),
      response: { 200: Page(PublicAgency), ...problems(429) }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return await paged(req.query, async (after, take) => await publicView.agencies(req.query, after, take))
  })

  app.get('/v1/public/agencies/:id/officers', {
    config: { access: 'public' },
    schema: {
      tags,
      operationId: 'listPublicAgencyOfficers',
      summary: '执法人员公示 Officers holding a live certificate (public)',
      security: [],
      description: '该主体持有有效行政执法证件的人员：姓名、证号、执法领域、有效期至；不含身份证号、电话。主体不存在或未经确认为 404。无需登录，按客户端限流。' +
        ' The officers holding a valid certificate at a confirmed agency: name, certificate number, domains, validUntil; never an ID number or a phone. 404 for an agency unknown or not confirmed. No token, rate-limited per client.',
      params: IdParams,
      querystring: Query(PageQuery),
      response: { 200: Page(PublicHolder), ...problems(404, 429) }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return await paged(req.query, async (after, take) => await publicView.roster(req.params.id, after, take), ({ id: _id, ...holder }) => holder)
  })

  // The pages take whatever else a shared link carries (a messenger adds its own parameters).
  const PageQueryString = Type.Object({
    q: Type.Optional(Type.String({ maxLength: 100, description: '名称包含 name contains' })),
    region: Type.Optional(Type.String({ pattern: '^(\\d{2,6})?$', description: '行政区划代码 region code' })),
    cursor: PageQuery.cursor
  }, { additionalProperties: true })

  app.get('/public', {
    config: { access: 'public' },
    errorHandler: pageErrorHandler,
    schema: {
      tags,
      operationId: 'publicPage',
      summary: '执法主体和人员公示页面 The public page',
      security: [],
      description: '中文公示网页（手机与电脑均可，无脚本）：经确认的执法主体列表，可按名称搜索、按地区筛选，点击查看各主体持证人员。 The Chinese 公示 page (phones and desktops, no script): confirmed agencies with a search box and a region filter, each linking to its roster.',
      querystring: PageQueryString,
      response: { 200: Html('公示页面 the page'), 400: Html('无法识别的查询 bad query'), 429: Html('查询过于频繁 too many requests'), 500: { description: 'internal error', content: { 'application/problem+json': { schema: Problem } } } }
    }
  }, async (req, reply) => {
    const q = (req.query.q ?? '').trim()
    const region = req.query.region ?? ''
    const body = await paged({ limit: 20, cursor: req.query.cursor }, async (after, take) => await publicView.agencies({ name: q || undefined, regionCode: region || undefined }, after, take))
    return sendPage(reply, 200, renderAgencyList({ q, region, regions: await publicView.regions(), agencies: body.items, next: nextHref('/public', { q, region }, body.nextCursor) }))
  })

  app.get('/public/agencies/:id', {
    config: { access: 'public' },
    errorHandler: pageErrorHandler,
    schema: {
      tags,
      operationId: 'publicRosterPage',
      summary: '执法主体持证人员公示页面 An agency\'s roster page',
      security: [],
      description: '某一执法主体持有有效证件的人员（姓名、证号、执法领域、有效期至）。 One agency\'s roster: name, certificate number, domains, validity.',
      params: IdParams,
      querystring: PageQueryString,
      response: { 200: Html('持证人员页面 the roster'), 400: Html('无法识别的查询 bad query'), 404: Html('查无此执法主体 no such confirmed agency'), 429: Html('查询过于频繁 too many requests'), 500: { description: 'internal error', content: { 'application/problem+json': { schema: Problem } } } }
    }
  }, async (req, reply) => {
    const body = await paged({ limit: 50, cursor: req.query.cursor }, async (after, take) => await publicView.roster(req.params.id, after, take))
    const agency = await publicView.agency(req.params.id)
    return sendPage(reply, 200, renderRoster({ agency, holders: body.items, next: nextHref(`/public/agencies/${agency.id}`, {}, body.nextCursor) }))
  })
}
