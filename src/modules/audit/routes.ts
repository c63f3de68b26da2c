// /v1/audit-events: who did what, when, before and after.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { paged } from '../../http/pagination.js'
import { Page, problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { AuditEvent, AuditQuery } from './schema.js'
import type { AuditService } from './service.js'

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get('/v1/audit-events', {
    config: { access: ACCESS.audit },
    schema: {
      tags: ['audit'],
      operationId: 'listAuditEvents',
      summary: '审计记录 List audit events',
      description: '按时间顺序列出每一项变更：操作者、角色、请求编号、对象、操作、变更前后内容。可按对象类型、对象编号、操作者、时间段筛选。' +
        '审计表只能追加、不可修改，每条记录以哈希链接前一条（用 `npm run cli -- audit verify` 校验）。管理员可见全部；审计员可见其权限范围内执法主体的记录，身份证号脱敏。' +
        ' Every change in order: who (actor, role, request id), what (entity, action) and the entity before and after. Filter by entity, entityId, actor and a time range [from, to).' +
        ' The table is append-only and hash-chained (check it with `npm run cli -- audit verify`). Admins see everything; auditors see events concerning agencies in their scope, ID numbers masked.',
      querystring: AuditQuery,
      response: { 200: Page(AuditEvent), ...problems() }
    }
  }, async (req) => {
    return await paged(req.query, async (after, take) => await audit.list(req.actor, req.query, after, take))
  })
}
