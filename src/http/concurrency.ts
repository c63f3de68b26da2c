// Optimistic concurrency: a single resource carries an ETag from its row version; a change
// must send If-Match with it. Stale is 412 and changes nothing; missing is 428.
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

/** Sets the ETag header of a single-resource answer from its row version. */
export function withEtag<T extends { version: number }> (reply: FastifyReply, row: T): T {
  reply.header('etag', etagOf(row.version))
  return row
}

/** The version the caller read, from If-Match; PRECONDITION_REQUIRED when absent. */
export function expectedVersion (request: FastifyRequest): number {
  const header = request.headers['if-match']
  if (header === undefined || header === '') fail('PRECONDITION_REQUIRED', 'send If-Match with the ETag you read / 请携带读取时的 ETag')
  const m = /^(?:W\/)?"(\d+)"$/.exec(header.trim())
  if (!m?.[1]) fail('PRECONDITION_FAILED', 'If-Match does not match the current ETag')
  return Number(m[1])
}

/** Throws PRECONDITION_FAILED when the stored version moved on since the caller read it. */
export function assertVersion (current: number, expected: number): void {
  if (current !== expected) fail('PRECONDITION_FAILED', `the resource is at version ${current}; you sent ${expected}`)
}

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'the ETag from your last read / 读取时返回的 ETag（如 "3"）' }))
})
