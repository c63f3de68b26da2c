// TypeBox building blocks shared by every route: strict bodies, enums, dates, pages, problems.
import { Type, type TSchema, type TProperties, type TObject, type TString, type TUnsafe } from 'typebox'

/** A request body object: unknown properties are refused (400), never silently dropped. */
export function Body<P extends TProperties> (properties: P, description?: string): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })
}

/** A query string: unknown parameters are refused too, so a typo (`?stauts=`) is a 400, not
 *  a silently unfiltered list. A parameter with a default may be left out (the default is
 *  filled in before the handler sees it), so it is not required: the docs page then sends a
 *  request with it cleared. */
export function Query<P extends TProperties> (properties: P): TObject<P> {
  const query = Type.Object(properties, { additionalProperties: false })
  const schema = query as { required?: string[] }
  const required = (schema.required ?? []).filter((name) => (properties[name] as { default?: unknown }).default === undefined)
  if (required.length > 0) schema.required = required
  else delete schema.required
  return query
}

/** A string enum rendered as `enum` (Swagger UI shows a drop-down for it). */
export function StringEnum<const T extends readonly string[]> (values: T, options: { description?: string, default?: T[number] } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/** The annotation naming a shared schema: the OpenAPI document defines it once, as a component,
 *  and refers to it with $ref (plugins/openapi-components.ts); Ajv and the serializers ignore it. */
export const COMPONENT = 'x-component'

/** Marks each schema with its name as a component of the OpenAPI document: `components({ Agency })`. */
export function components (schemas: Record<string, TSchema>): void {
  for (const [name, schema] of Object.entries(schemas)) (schema as Record<string, unknown>)[COMPONENT] = name
}

/** The schema keyword of free text (known to the Ajv instances of http/ajv.ts). */
export const TEXT_KEYWORD = 'x-text'

/** Free text a person types: a name, a title, a reason, a note. Trimmed before it is checked
 *  and stored; refused (400 naming the field) when blank or holding control, zero-width or
 *  bidi-control characters, a lone surrogate or U+FFFD (domain/text.ts). `lines`: line feeds
 *  and tabs allowed (notes, reasons). Never for a password or a secret, taken as sent. */
export function Text (options: { maxLength: number, minLength?: number, pattern?: string, lines?: boolean, description?: string }): TString {
  const { lines = false, ...rest } = options
  return Type.String({ ...rest, [TEXT_KEYWORD]: lines ? 'lines' : 'line' })
}

/** The schema keyword of a password (known to the Ajv instances of http/ajv.ts). */
export const PASSWORD_KEYWORD = 'x-password'

/** A password, taken as sent and checked by the one password rule (domain/password-rule.ts):
 *  the same sentence as the command line and REGISTRY_ADMIN_PASSWORD give. */
export const Password = (description: string): TString => Type.String({ [PASSWORD_KEYWORD]: true, description })

/** A calendar day. No example here: a fixed day prefilled on the page would be sent as it
 *  stands (a report as of March instead of today); a request body shows its own example. */
export const IsoDate = (description = 'date / 日期 (YYYY-MM-DD)') =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: /YYYY-MM-DD/.test(description) ? description : `${description} (YYYY-MM-DD)`, [COMPONENT]: 'Date' })

/** The component every date refers to; a date's own description stands beside its $ref. */
export const DATE_COMPONENT = IsoDate()

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp / 时间戳' })

/** The largest id: ids are 32-bit integers in the data model (PostgreSQL's integer columns), so a
 *  larger one names nothing and is refused as input, on either engine. */
export const MAX_ID = 2 ** 31 - 1
export const Id = Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'identifier / 编号' })

/** What an example on the docs page holds where the clerk must choose: the record (an id no
 *  record has, ids start at 1) and the day. Sent as they stand they are refused, 400 naming the
 *  field and asking for it, so an example run unchanged changes nothing. */
export const PLACEHOLDER = { id: 0, date: 'YYYY-MM-DD' } as const

/** Sets the example the docs page prefills for a request body (realistic values, with
 *  PLACEHOLDER where the clerk must choose). */
export function withExample<T extends TSchema> (schema: T, example: Record<string, unknown> | unknown[]): T {
  return Object.assign(schema, { examples: [example] })
}

export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: '编号：从列表或查询结果中取得 the id, from a list or a lookup', examples: [PLACEHOLDER.id] })
})

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size (max 500) / 每页条数' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the previous page\'s nextCursor / 上一页返回的 nextCursor' }))
}

const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null on the last / 下一页游标', [COMPONENT]: 'NextCursor' })

/** A page of a list; a page of a named schema is named too (AgencyPage). */
export function Page<T extends TSchema> (item: T) {
  const name = (item as Record<string, unknown>)[COMPONENT]
  return Type.Object({
    items: Type.Array(item),
    nextCursor: NextCursor
  }, typeof name === 'string' ? { [COMPONENT]: `${name}Page` } : {})
}

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.String({ description: 'stable error code / 稳定错误码 (see errors.ts)' }),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({
    in: Type.String({ description: 'body | querystring | params | headers' }),
    pointer: Type.String({ description: 'JSON pointer to the bad field / 出错字段' }),
    detail: Type.String()
  }))),
  cancelled: Type.Optional(Type.Array(Type.Unknown()))
}, { additionalProperties: true, description: 'RFC 9457 problem details / 错误详情' })

components({ Problem, Id })

/** Response map entries for the error statuses a route can answer. */
export function problems (...statuses: number[]): Record<number, typeof Problem> {
  const all = new Set([400, 401, 403, 500, ...statuses])
  return Object.fromEntries([...all].map((s) => [s, Problem]))
}
