// /v1/agencies: 执法主体.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IfMatchHeaders, created, expectedVersion, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, PageQuery, Query, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { Agency, AgencyQuery, Confirmation, CreateAgency, CreateConfirmation, EndAgency, Staffing, UpdateAgency } from './schema.js'
import type { AgenciesService } from './service.js'

const tags = ['agencies']
const Ended = Type.Object({
  agency: Agency,
  certificatesToReissue: Type.Array(Type.Object({ id: Type.Integer(), number: Type.String(), officerId: Type.Integer(), status: Type.String() }),
    { description: '须由承继主体换发的证件 live certificates to be reissued by the successor' })
})

export const agencyRoutes: FastifyPluginAsyncTypebox<{ agencies: AgenciesService }> = async (app, { agencies }) => {
  app.post('/v1/agencies', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'createAgency',
      summary: '登记执法主体 Register an agency',
      description: '登记行政机关、法律法规授权组织或受委托组织。统一社会信用代码按 GB 32100 校验。非管理员须指定权限范围内的上级主体。' +
        ' Registers an enforcement body; the USCC is checked (GB 32100). A clerk places it under an agency in their scope.',
      body: CreateAgency,
      response: { 201: Agency, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/agencies', await agencies.create(req.actor, req.body)))

  app.get('/v1/agencies', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listAgencies',
      summary: '执法主体列表 List agencies',
      description: '列出权限范围内的执法主体，可按状态、上级、名称筛选。Lists agencies in your scope; filter by status, parent or name.',
      querystring: AgencyQuery,
      response: { 200: Page(Agency), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await agencies.list(req.actor, req.query, after, take))
  })

  app.get('/v1/agencies/:id', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getAgency',
      summary: '查看执法主体 Get an agency',
      description: '返回执法主体及其已确认年度；ETag 用于修改时的 If-Match。Returns the agency; its ETag goes in If-Match when you change it.',
      params: IdParams,
      response: { 200: Agency, ...problems(404) }
    }
  }, async (req, reply) => withEtag(reply, await agencies.get(req.actor, req.params.id)))

  app.patch('/v1/agencies/:id', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'updateAgency',
      summary: '修改执法主体 Update an agency',
      description: '修改名称、类别、层级、上级、区划或执法领域。须携带 If-Match（读取时的 ETag）。Changes the agency; send If-Match with the ETag you read (412 when stale, 428 when missing).',
      params: IdParams,
      headers: IfMatchHeaders,
      body: UpdateAgency,
      response: { 200: Agency, ...problems(404, 409, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await agencies.update(req.actor, req.params.id, expectedVersion(req), req.body)))

  app.post('/v1/agencies/:id/confirmations', {
    config: { access: ACCESS.bureau },
    schema: {
      tags,
      operationId: 'confirmAgency',
      summary: '年度确认公告 Record the yearly confirmation',
      description: '登记执法主体的年度确认及公告文号，每年一次；名称、类别变更或合并承继后（reconfirmationDue）可就已确认年度再次登记（kind = reconfirmation，重新确认）。' +
        ' Records the yearly confirmation and its announcement number, once per year; after a rename, a new kind or a merger into it (reconfirmationDue) it may be recorded again for a year already confirmed (kind reconfirmation, 重新确认).',
      params: IdParams,
      body: CreateConfirmation,
      response: { 201: Confirmation, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => reply.code(201).send(await agencies.confirm(req.actor, req.params.id, req.body)))

  app.get('/v1/agencies/:id/confirmations', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listAgencyConfirmations',
      summary: '确认公告记录 List confirmations',
      description: '执法主体历年确认公告，按登记顺序分页。The agency\'s yearly confirmations, in the order recorded, page by page.',
      params: IdParams,
      querystring: Query(PageQuery),
      response: { 200: Page(Confirmation), ...problems(404) }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await agencies.listConfirmations(req.actor, req.params.id, after, take))
  })

  for (const [path, how, summary, verb] of [
    ['merger', 'merged', '主体合并 Merge into a successor', 'merges into its successor (successorId required)'],
    ['dissolution', 'dissolved', '主体撤销 Dissolve', 'is dissolved (a successor is optional)']
  ] as const) {
    app.post(`/v1/agencies/:id/${path}`, {
      config: { access: ACCESS.bureau },
      schema: {
        tags,
        operationId: how === 'merged' ? 'mergeAgency' : 'dissolveAgency',
        summary,
        description: `主体${how === 'merged' ? '合并' : '撤销'}后不再发证，其有效证件列出待承继主体换发。The agency ${verb}; it issues nothing more, and its live certificates are listed for reissue (换发).`,
        params: IdParams,
        body: EndAgency,
        response: { 200: Ended, ...problems(404, 409, 422) }
      }
    }, async (req) => await agencies.end(req.actor, req.params.id, how, req.body))
  }

  app.get('/v1/agencies/:id/staffing', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getAgencyStaffing',
      summary: '法制审核人员配备 Legal-reviewer staffing (5%)',
      description: '法制审核人员不少于本单位执法人员总数的 5%：officers 为在岗、非辅助的执法人员人数（含人民警察，不论是否持证），certified 为其中持证人数；reviewers × 20 ≥ officers；缺口 = ceil(officers/20) − reviewers。' +
        ' The 5% rule for one agency, computed in integers: officers is the headcount (active, non-auxiliary, police included, whatever their cards), certified the live-card holders among them, shown beside.',
      params: IdParams,
      response: { 200: Staffing, ...problems(404) }
    }
  }, async (req) => await agencies.staffing(req.actor, req.params.id))
}
