// /v1/events: the change feed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { problems } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { EVENT_TYPE_PREFIX, EVENT_TYPES } from './projection.js'
import { FeedPage, FeedQuery } from './schema.js'
import type { EventsService } from './service.js'

export const eventRoutes: FastifyPluginAsyncTypebox<{ events: EventsService }> = async (app, { events }) => {
  app.get('/v1/events', {
    config: { access: ACCESS.read },
    schema: {
      tags: ['events'],
      operationId: 'listEvents',
      summary: '变更事件流 Change feed',
      description: '供无法接收回调的下游系统轮询：按发生顺序列出权限范围内的业务事件（CloudEvents 1.0 格式）。首次不带游标从头读取；保存返回的 nextCursor，下次带上即只返回此后的新事件，不重不漏。' +
        ` 事件类型 Types: ${EVENT_TYPES.map((t) => '`' + EVENT_TYPE_PREFIX + t + '`').join(', ')}.` +
        ' For systems that cannot receive webhooks: the domain events in your scope, in the order they happened, as CloudEvents 1.0. Start without a cursor to read from the beginning;' +
        ' save nextCursor and pass it next time to get exactly the newer events, none twice, none missed. An officer transferred out of your scope still shows its transfer.' +
        ' 数据库从旧备份恢复后，游标与事件流不符（超出最新事件，或该编号已是另一事件）时返回 409 FEED_CURSOR_MISMATCH，而不是悄悄跳过复用编号的新事件。 After a restore from an older backup a cursor no longer matches the feed (past the newest event, or its id now another event): 409 FEED_CURSOR_MISMATCH rather than silently skipping the new events that reuse its ids.',
      querystring: FeedQuery,
      response: { 200: FeedPage, ...problems(409) }
    }
  }, async (req) => await events.feed(req.actor, req.query.cursor, req.query.limit ?? 50))
}
