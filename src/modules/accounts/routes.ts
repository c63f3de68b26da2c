// /v1/users and /v1/clients: accounts, admin only.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Body, IdParams, Page, PageQuery, Query, Text, problems, PLACEHOLDER, withExample } from '../../http/schemas.js'
import { created, expectedVersion, IfMatchHeaders, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { ACCESS } from '../../security/roles.js'
import { publicClient, publicUser, type AccountsService } from './service.js'
import { Role, AgencyId, User, Client, Password, Username } from './schema.js'

const admin = { access: ACCESS.admin }

export const accountRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService }> = async (app, { accounts }) => {
  const tags = ['accounts']

  app.post('/v1/users', {
    config: admin,
    schema: {
      tags,
      operationId: 'createUser',
      summary: '创建用户 Create a user',
      description: '为司法局工作人员或审计人员创建登录账号。Creates a login for a clerk, auditor or admin.',
      body: withExample(Body({ username: Username, password: Password, role: Role, agencyId: Type.Optional(AgencyId) }), { username: 'wang.jianhua', password: 'Jinzhong#2026', role: 'clerk', agencyId: PLACEHOLDER.id }),
      response: { 201: User, ...problems(404, 409, 422) }
    }
  }, async (req, reply) => created(reply, '/v1/users', await accounts.createUser(req.actor, req.body)))

  app.get('/v1/users', {
    config: admin,
    schema: {
      tags,
      operationId: 'listUsers',
      summary: '用户列表 List users',
      description: '分页列出用户。Lists users, page by page.',
      querystring: Query(PageQuery),
      response: { 200: Page(User), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, (after, take) => accounts.listUsers(after, take), publicUser)
  })

  app.get('/v1/users/:id', {
    config: admin,
    schema: { tags, operationId: 'getUser', summary: '查看用户 Get a user', description: '按编号读取用户。Reads one user.', params: IdParams, response: { 200: User, ...problems(404) } }
  }, async (req, reply) => withEtag(reply, await accounts.getUser(req.params.id)))

  app.patch('/v1/users/:id', {
    config: admin,
    schema: {
      tags,
      operationId: 'updateUser',
      summary: '修改用户 Update a user',
      description: '修改角色、权限范围、密码或停用账号。须携带 If-Match。Changes role, scope, password, or disables the account; send If-Match.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: withExample(Body({ password: Type.Optional(Password), role: Type.Optional(Role), agencyId: Type.Optional(AgencyId), disabled: Type.Optional(Type.Boolean()) }), { role: 'clerk', agencyId: PLACEHOLDER.id }),
      response: { 200: User, ...problems(404, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await accounts.updateUser(req.actor, req.params.id, req.body, expectedVersion(req))))

  app.post('/v1/clients', {
    config: admin,
    schema: {
      tags,
      operationId: 'createClient',
      summary: '登记接入系统 Register an HR system client',
      description: '为人事系统创建 client_credentials 凭据；clientSecret 只在此次返回，请妥善保存。Registers a machine client; clientSecret is shown only in this answer.',
      body: withExample(Body({ name: Text({ maxLength: 200, description: 'system name / 系统名称' }), role: Role, agencyId: Type.Optional(AgencyId) }), { name: '太原市人社局人事系统', role: 'hr', agencyId: PLACEHOLDER.id }),
      response: { 201: Type.Intersect([Client, Type.Object({ clientSecret: Type.String({ description: 'shown once / 仅显示一次' }) })]), ...problems(404, 422) }
    }
  }, async (req, reply) => created(reply.header('cache-control', 'no-store'), '/v1/clients', await accounts.createClient(req.actor, req.body)))

  app.get('/v1/clients', {
    config: admin,
    schema: {
      tags,
      operationId: 'listClients',
      summary: '接入系统列表 List clients',
      description: '分页列出接入系统（不含密钥）。Lists clients, without secrets.',
      querystring: Query(PageQuery),
      response: { 200: Page(Client), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, (after, take) => accounts.listClients(after, take), publicClient)
  })

  app.get('/v1/clients/:id', {
    config: admin,
    schema: { tags, operationId: 'getClient', summary: '查看接入系统 Get a client', description: '按编号读取接入系统。Reads one client.', params: IdParams, response: { 200: Client, ...problems(404) } }
  }, async (req, reply) => withEtag(reply, await accounts.getClient(req.params.id)))

  app.patch('/v1/clients/:id', {
    config: admin,
    schema: {
      tags,
      operationId: 'updateClient',
      summary: '修改接入系统 Update a client',
      description: '修改名称、角色、范围或停用。须携带 If-Match。Renames, re-scopes or disables a client; send If-Match.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: withExample(Body({ name: Type.Optional(Text({ maxLength: 200 })), role: Type.Optional(Role), agencyId: Type.Optional(AgencyId), disabled: Type.Optional(Type.Boolean()) }), { role: 'hr', agencyId: PLACEHOLDER.id }),
      response: { 200: Client, ...problems(404, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await accounts.updateClient(req.actor, req.params.id, req.body, expectedVersion(req))))
}
