// TypeBox building blocks shared by every route: strict bodies, enums, dates, pages, problems.
import { Type, type TSchema, type TProperties, type TObject, type TString, type TUnsafe } from 'typebox'

/** A request body object: unknown properties are refused (400), never silently dropped. */
export function Body<P extends TProperties> (properties: P, description?: string): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })
}

/** A query string: unknown parameters are refused too, so a typo (`?stauts=`) is a 400, not
 *  a silently unfiltered list. */
export function Query<P extends TProperties> (properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false })
}

/** A string enum rendered as `enum` (Swagger UI shows a drop-down for it). */
export function StringEnum<const T extends readonly string[]> (values: T, options: { description?: string, default?: T[number] } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
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

/** A password, taken as sent and checked by the one password rule (security/password-rule.ts):
 *  the same sentence as the command line and REGISTRY_ADMIN_PASSWORD give. */
export const Password = (description: string): TString => Type.String({ [PASSWORD_KEYWORD]: true, description })

export const IsoDate = (description = 'date / 日期 (YYYY-MM-DD)') =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description, examples: ['2026-03-15'] })

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp / 时间戳' })

export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'identifier / 编号' })

export const IdParams = Type.Object({ id: Id })

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size (max 500) / 每页条数' }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the previous page\'s nextCursor / 上一页返回的 nextCursor' }))
}

export function Page<T extends TSchema> (item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null on the last / 下一页游标' })
  })
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

/** Response map entries for the error statuses a route can answer. */
export function problems (...statuses: number[]): Record<number, typeof Problem> {
  const all = new Set([400, 401, 403, 500, ...statuses])
  return Object.fromEntries([...all].map((s) => [s, Problem]))
}
