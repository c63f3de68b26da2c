// Wire shapes of webhook subscriptions and their deliveries.
import { Type } from 'typebox'
import { Body, Id, PageQuery, PLACEHOLDER, Query, StringEnum, Text, Timestamp, components, withExample } from '../../http/schemas.js'

const Url = Type.String({ minLength: 8, maxLength: 2000, description: '接收地址（须为 https://）the receiver, https:// only' })
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 50,
  description: '订阅的事件类型，如 cn.gov.registry.officer.registered、certificate.*、* types as the feed names them (prefix optional), an entity\'s wildcard, or * for all'
})
const Description = Text({ maxLength: 500, description: '说明 what it is for' })

export const Webhook = Type.Object({
  id: Id,
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean({ description: '是否启用 false: paused' }),
  status: StringEnum(['active', 'paused', 'failing'] as const, { description: 'active 投递中 | paused 已暂停 | failing 重试期满已停止（PATCH active: true 恢复）retries ran out; PATCH active: true resumes' }),
  agencyId: Type.Union([Id, Type.Null()], { description: '范围（该主体及下级；null 为全部）scope: this agency\'s subtree, null for all' }),
  owner: Type.String({ description: '创建者 the account that made it' }),
  lastEventId: Type.Integer({ description: '已投递（或不属订阅）的最后事件编号 last feed event passed' }),
  attempts: Type.Integer({ description: '队首事件已尝试次数 attempts at the head event' }),
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
  failingSince: Type.Union([Timestamp, Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Type.Union([Timestamp, Type.Null()])
})

export const CreatedWebhook = Type.Intersect([Webhook, Type.Object({
  secret: Type.String({ description: '签名密钥，仅此一次显示 the signing secret (whsec_…), shown once' })
})])

export const Delivery = Type.Object({
  id: Id,
  eventId: Type.Integer(),
  webhookId: Type.String({ description: 'webhook-id 头 the webhook-id header, the same on every retry' }),
  eventType: Type.String(),
  attempt: Type.Integer(),
  replay: Type.Boolean(),
  status: StringEnum(['pending', 'delivered', 'failed'] as const),
  responseCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp,
  durationMs: Type.Union([Type.Integer(), Type.Null()])
})

components({ Webhook, WebhookDelivery: Delivery })

export const CreateWebhook = Body({ url: Url, events: Events, description: Type.Optional(Description) })
export const UpdateWebhook = Body({ url: Type.Optional(Url), events: Type.Optional(Events), description: Type.Optional(Description), active: Type.Optional(Type.Boolean()) })
export const WebhookQuery = Query({ ...PageQuery })
export const ReplayParams = Type.Object({
  id: Type.Integer({ ...Id, description: '订阅编号 the subscription', examples: [PLACEHOLDER.id] }),
  eventId: Type.Integer({ ...Id, description: '事件编号（变更事件流的 id）the feed event', examples: [PLACEHOLDER.id] })
})
export const EmptyBody = withExample(Body({}), {})
