// /v1/officers: 行政执法人员.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IfMatchHeaders, created, expectedVersion, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { CreateOfficer, Departure, Lookup, MoveResult, Officer, OfficerQuery, Transfer, UpdateOfficer } from './schema.js'
import type { OfficersService } from './service.js'

const tags = ['officers']

export const officerRoutes: FastifyPluginAsyncTypebox<{ officers: OfficersService }> = async (app, { officers }) => {
  app.post('/v1/officers', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'createOfficer',
      summary: '登记执法人员 Register an officer',
      description: '登记执法人员。身份证号校验出生日期与校验位，全系统唯一。已离岗人员（含调离）在新主体重新登记时恢复为在岗，保留原编号、考试与培训记录。Registers an officer; the ID number is checked (birth date, GB 11643 check digit) and unique across the registry. A person who had left (a departure, a transfer out) is taken on again: the same officer id, exams and training history, active at the agency given.',
      body: CreateOfficer,
      response: { 201: Officer, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/officers', await officers.register(req.actor, req.body)))

  app.get('/v1/officers', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'listOfficers',
      summary: '执法人员列表 List officers',
      description: '列出权限范围内的执法人员；身份证号与电话脱敏。Lists officers in scope; ID numbers and phones are masked.',
      querystring: OfficerQuery,
      response: { 200: Page(Officer), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await officers.list(req.actor, req.query, after, take))
  })

  app.post('/v1/officers/lookup', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'lookupOfficer',
      summary: '按身份证号查找 Look up by ID number',
      description: '身份证号放在请求体中（不得出现在网址中），精确匹配。The ID number goes in the body, never in a URL; exact match within your scope.',
      body: Lookup,
      response: { 200: Officer, ...problems(404) }
    }
  }, async (req, reply) => withEtag(reply, await officers.lookup(req.actor, req.body.idNumber)))

  app.get('/v1/officers/:id', {
    config: { access: ACCESS.read },
    schema: {
      tags,
      operationId: 'getOfficer',
      summary: '查看执法人员 Get an officer',
      description: '管理员与司法局工作人员可见完整身份证号，其他角色脱敏。Admins and clerks see the whole ID number; other roles see it masked.',
      params: IdParams,
      response: { 200: Officer, ...problems(404) }
    }
  }, async (req, reply) => withEtag(reply, await officers.get(req.actor, req.params.id)))

  app.patch('/v1/officers/:id', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'updateOfficer',
      summary: '更正执法人员信息 Correct an officer',
      description: '更正姓名、身份证号、工号、电话或标识；调动与离岗请用专门接口。须携带 If-Match。Corrects data (use transfer and departure for moves); send If-Match.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: UpdateOfficer,
      response: { 200: Officer, ...problems(404, 409, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await officers.update(req.actor, req.params.id, expectedVersion(req), req.body)))

  app.post('/v1/officers/:id/departure', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'recordDeparture',
      summary: '离岗 Record a departure',
      description: '人员因调动、辞职、辞退、退休等离开执法岗位：同一事务内注销其全部有效或暂扣证件并发起证件收回。' +
        ' The officer leaves the post; in the same transaction every active or suspended certificate is cancelled and its card recall opened. The answer lists them.' +
        ' 离岗日期不得晚于今天（离岗当日登记，证件随即注销）：否则 422 DATE_IN_FUTURE。 Record it on the day it happens, not ahead: a date after today is 422 DATE_IN_FUTURE (the cards would be cancelled while the officer still enforces).',
      params: IdParams,
      body: Departure,
      response: { 200: MoveResult, ...problems(404, 409, 422) }
    }
  }, async (req) => await officers.depart(req.actor, req.params.id, req.body))

  app.post('/v1/officers/:id/transfer', {
    config: { access: ACCESS.personnel },
    schema: {
      tags,
      operationId: 'transferOfficer',
      summary: '调动 Transfer to another agency',
      description: '调往本系统内另一执法主体：注销原主体的证件并发起收回，保留人员、考试与培训记录；新主体须重新申领证件。两个主体都须在您的权限范围内。' +
        ' Moves the person; the old agency\'s certificates are cancelled and recalled, history stays; the new agency applies for a new certificate. Both agencies must be in your scope.' +
        ' 调动日期不得晚于今天（422 DATE_IN_FUTURE）。 A date after today is 422 DATE_IN_FUTURE.',
      params: IdParams,
      body: Transfer,
      response: { 200: MoveResult, ...problems(404, 409, 422) }
    }
  }, async (req) => await officers.transfer(req.actor, req.params.id, req.body))
}
