// Wire shapes of the change feed: CloudEvents 1.0 (JSON format), one per domain event.
import { Type } from 'typebox'
import { Id, PageQuery, Query, Timestamp, components } from '../../http/schemas.js'
import { EVENT_TYPE_PREFIX, EVENT_TYPES } from './projection.js'

export const EVENT_SOURCE = 'urn:enforcement-registry'

export const CloudEvent = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String({ description: '事件编号（在本源内唯一，递增）event id, unique within the source, increasing' }),
  source: Type.String({ description: `事件来源 the producer: ${EVENT_SOURCE}` }),
  type: Type.String({ description: `事件类型 one of ${EVENT_TYPES.map((t) => EVENT_TYPE_PREFIX + t).join(', ')}` }),
  time: Timestamp,
  subject: Type.String({ description: '事件对象 the resource, e.g. officers/12, certificates/7' }),
  datacontenttype: Type.Literal('application/json'),
  agencyid: Id,
  data: Type.Record(Type.String(), Type.Unknown(), { description: '事件内容（身份证号、电话脱敏）the event\'s content; ID numbers and phones masked' })
})

export const FeedPage = Type.Object({
  items: Type.Array(CloudEvent),
  nextCursor: Type.String({
    description: '保存此游标，下次以 ?cursor= 轮询即可获得此后的新事件；事件流没有终点，故游标从不为 null。' +
      ' Save it and poll with ?cursor= later to get exactly the newer events; the feed never ends, so it is never null.'
  })
})

export const FeedQuery = Query({ ...PageQuery })

components({ CloudEvent, FeedPage })
