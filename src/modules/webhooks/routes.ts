// /v1/webhooks: Standard Webhooks subscriptions to the change feed, their deliveries and replays.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { created, expectedVersion, IfMatchHeaders, withEtag } from '../../http/concurrency.js'
import { paged } from '../../http/pagination.js'
import { IdParams, Page, problems, withExample } from '../../http/schemas.js'
import { ACCESS } from '../../security/roles.js'
import { CreatedWebhook, CreateWebhook, Delivery, EmptyBody, ReplayParams, UpdateWebhook, Webhook, WebhookQuery } from './schema.js'
import { webhookView, type WebhooksService } from './service.js'

export { webhooksService } from './service.js'

const access = { access: ACCESS.read }
const SIGNED = ' 投递遵循 Standard Webhooks：请求头 webhook-id、webhook-timestamp、webhook-signature（v1, + HMAC-SHA256），正文为与事件流相同的 CloudEvent。' +
  ' Deliveries follow Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature v1 HMAC-SHA256); the body is the CloudEvent the feed shows.'

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService }> = async (app, { webhooks: svc }) => {
  const tags = ['webhooks']

  app.post('/v1/webhooks', {
    config: access,
    schema: {
      tags,
      operationId: 'createWebhook',
      summary: '订阅事件回调 Subscribe a webhook',
      description: '按顺序推送本人权限范围内、所选类型的变更事件；失败按退避重试 24 小时。secret 仅此一次返回。' +
        ' Pushes the change-feed events of your scope and chosen types, in order, retried with back-off for 24 h. The secret is shown only here.' + SIGNED,
      // The receiver's address is the caller's to give: sent unchanged, the example's is refused.
      body: withExample(CreateWebhook, { url: 'https://', events: ['officer.*', 'certificate.revoked'], description: '人事系统' }),
      response: { 201: CreatedWebhook, ...problems(422) }
    }
  }, async (req, reply) => created(reply.header('cache-control', 'no-store'), '/v1/webhooks', await svc.create(req.actor, req.body)))

  app.get('/v1/webhooks', {
    config: access,
    schema: {
      tags,
      operationId: 'listWebhooks',
      summary: '回调订阅列表 List webhooks',
      description: '本人的订阅（管理员：全部），不含密钥。Your subscriptions (admin: all), without secrets.',
      querystring: WebhookQuery,
      response: { 200: Page(Webhook), ...problems() }
    }
  }, async (req) => await paged(req.query, async (after, take) => await svc.list(req.actor, after, take), webhookView))

  app.get('/v1/webhooks/:id', {
    config: access,
    schema: { tags, operationId: 'getWebhook', summary: '查看回调订阅 Get a webhook', description: '状态、队首重试情况。Its status and the head event\'s retries.', params: IdParams, response: { 200: Webhook, ...problems(404) } }
  }, async (req, reply) => withEtag(reply, await svc.get(req.actor, req.params.id)))

  app.patch('/v1/webhooks/:id', {
    config: access,
    schema: {
      tags,
      operationId: 'updateWebhook',
      summary: '修改回调订阅 Update a webhook',
      description: '修改地址、类型、说明；active: false 暂停，active: true 恢复（含 failing，自队首事件续投）。须携带 If-Match。' +
        ' Change url, events, description; active false pauses, true resumes from the head event (failing included). Send If-Match.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: withExample(UpdateWebhook, { active: true }),
      response: { 200: Webhook, ...problems(404, 412, 422, 428) }
    }
  }, async (req, reply) => withEtag(reply, await svc.update(req.actor, req.params.id, req.body, expectedVersion(req))))

  app.delete('/v1/webhooks/:id', {
    config: access,
    // A DELETE is sent without a body; one sent is checked as every write's is (unknown fields 400).
    preValidation: async (req) => { req.body ??= {} },
    schema: {
      tags,
      operationId: 'deleteWebhook',
      summary: '取消回调订阅 Delete a webhook',
      description: '停止投递并删除其投递记录。Stops deliveries and forgets their log.',
      params: IdParams,
      body: EmptyBody,
      response: { 204: { type: 'null', description: 'deleted / 已删除' }, ...problems(404) }
    }
  }, async (req, reply) => { await svc.remove(req.actor, req.params.id); return reply.code(204).send(null) })

  app.get('/v1/webhooks/:id/deliveries', {
    config: access,
    schema: {
      tags,
      operationId: 'listWebhookDeliveries',
      summary: '投递记录 Delivery attempts',
      description: '每次投递尝试，最新在前。Every attempt, newest first: event, webhook-id, status, response code, error, duration.',
      params: IdParams,
      querystring: WebhookQuery,
      response: { 200: Page(Delivery), ...problems(404) }
    }
  }, async (req) => await svc.deliveries(req.actor, req.params.id, req.query.cursor, req.query.limit ?? 50))

  app.post('/v1/webhooks/:id/events/:eventId/replay', {
    config: access,
    schema: {
      tags,
      operationId: 'replayWebhookEvent',
      summary: '重发事件 Replay an event',
      description: '立即重发一次（同一 webhook-id），记为新的尝试，不移动游标。Sends the event again now, with the same webhook-id, logged as a new attempt; the cursor stays.',
      params: ReplayParams,
      body: EmptyBody,
      response: { 200: Delivery, ...problems(404) }
    }
  }, async (req) => await svc.replay(req.actor, req.params.id, req.params.eventId))
}
