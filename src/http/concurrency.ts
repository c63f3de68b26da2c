// Optimistic concurrency: a single resource carries an ETag from its row version; a change
// must send If-Match with it. Stale is 412 and changes nothing; missing is 428; not an entity
// tag (no quotes) is 400.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { fail } from '../errors.js'

export const etagOf = (version: number): string => `"${version}"`

/** Sets the ETag of a resource that never changes once written (a training, a training record,
 *  an exam session: none has a PATCH): its first and only version. */
export function withFixedEtag<T> (reply: FastifyReply, row: T): T {
  reply.header('etag', etagOf(1))
  return row
}

/** A 201 for a resource just created: `Location` where it is read (`collection/id`) and its
 *  `ETag`, as a GET of it would answer (its version, or "1" for one that never changes). */
export function created<T extends { id: number, version?: number }> (reply: FastifyReply, collection: string, row: T): T {
  reply.code(201).header('location', `${collection}/${row.id}`).header('etag', etagOf(row.version ?? 1))
  return row
}

/** Sets the ETag header of a single-resource answer from its row version. */
export function withEtag<T extends { version: number }> (reply: FastifyReply, row: T): T {
  reply.header('etag', etagOf(row.version))
  return row
}

/** The version a change was based on: a number (a caller that read the row itself, an import),
 *  or what an If-Match header named. */
export type ExpectedVersion = number | IfMatch

/** An If-Match header: the versions its strong entity tags name (any of them may be current) and
 *  the header as sent, for the answer when none is. */
export interface IfMatch {
  readonly versions: readonly number[]
  readonly sent: string
}

// entity-tag = [ W/ ] DQUOTE *etagc DQUOTE (RFC 9110 8.8.3); a list may hold empty elements.
const ENTITY_TAG = /(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*/y
const SEPARATORS = /[ \t]*(?:,[ \t]*)*/y
// An ETag of ours: a version, in decimal without leading zeros (strong comparison is exact).
const VERSION_TAG = /^(?:0|[1-9]\d{0,14})$/

/** The entity tags of an If-Match list, or undefined when it is not one (a value without quotes). */
function entityTags (header: string): Array<{ weak: boolean, opaque: string }> | undefined {
  const tags: Array<{ weak: boolean, opaque: string }> = []
  SEPARATORS.lastIndex = 0
  SEPARATORS.exec(header)
  let at = SEPARATORS.lastIndex
  while (at < header.length) {
    if (tags.length > 0) {
      if (header[at] !== ',') return undefined
      SEPARATORS.lastIndex = at
      SEPARATORS.exec(header)
      at = SEPARATORS.lastIndex
      if (at === header.length) break
    }
    ENTITY_TAG.lastIndex = at
    const m = ENTITY_TAG.exec(header)
    if (m === null) return undefined
    tags.push({ weak: m[1] !== undefined, opaque: m[2] ?? '' })
    at = ENTITY_TAG.lastIndex
  }
  return tags.length > 0 ? tags : undefined
}

/**
 * What If-Match asks (RFC 9110 13.1.1, strong comparison): the versions its strong tags name. A
 * weak tag (W/"2") or one that is not ours ("02", "abc") names none and never matches (412 once
 * the resource is found). PRECONDITION_REQUIRED when absent, and for `*`: it matches whatever is
 * current, so it would let a change through without saying which version it was based on,
 * which is what If-Match is required for here. VALIDATION_FAILED (naming the header) when it is
 * not a list of quoted entity tags (`2`, `abc`).
 */
export function expectedVersion (request: FastifyRequest): IfMatch {
  const header = request.headers['if-match']?.trim()
  if (header === undefined || header === '') fail('PRECONDITION_REQUIRED', 'send If-Match with the ETag you read / 请携带读取时的 ETag')
  if (header === '*') fail('PRECONDITION_REQUIRED', 'If-Match: * does not say which version you read: send the ETag of your last GET, e.g. "3" / If-Match 不能为 *，请携带读取时的 ETag，如 "3"')
  const tags = entityTags(header)
  if (tags === undefined) {
    const example = VERSION_TAG.test(header) ? `"${header}"` : '"3"'
    const detail = `If-Match must be the ETag with its quotes, e.g. ${example} (the ETag header of your last GET) / If-Match 须为带英文引号的 ETag，如 ${example}`
    fail('VALIDATION_FAILED', detail, { errors: [{ in: 'headers', pointer: '/if-match', detail }] })
  }
  const versions = tags.filter((tag) => !tag.weak && VERSION_TAG.test(tag.opaque)).map((tag) => Number(tag.opaque))
  return { versions, sent: header.slice(0, 200) }
}

/** Throws PRECONDITION_FAILED when the stored version is not the one the change was based on. */
export function assertVersion (current: number, expected: ExpectedVersion): void {
  if (typeof expected === 'number' ? current === expected : expected.versions.includes(current)) return
  const sent = typeof expected === 'number' ? etagOf(expected) : expected.sent
  const weak = typeof expected !== 'number' && /W\//.test(sent) ? ' (a weak W/ ETag never matches: send the ETag as given)' : ''
  fail('PRECONDITION_FAILED', `the resource is at ETag ${etagOf(current)}; you sent ${sent}${weak}: read it again / 数据已被修改（当前 ETag ${etagOf(current)}），请重新读取`)
}

/** The If-Match header of a change. Optional to the validator, so that a request without it is
 *  428 PRECONDITION_REQUIRED (expectedVersion), not a 400; the OpenAPI document shows it
 *  required (plugins/openapi-components), which it is. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({
    description: '必填：上次读取（GET）时响应头 ETag 的值，连同英文双引号原样填写，如 "3"；不带引号返回 400，数据已被他人修改返回 412，请重新读取。' +
      ' Required: the ETag header of your last GET, exactly, quotes included, e.g. "3". Without the quotes it is a 400 saying so; 412 means someone changed it since: read it again.'
  }))
})
