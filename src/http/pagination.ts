// Keyset pagination: the cursor is an opaque token carrying the last id of the page before.
import { RegistryError } from '../errors.js'

export interface PageRequest { limit: number, afterId: number }

/** The refusal of a cursor this service did not make: 400 naming `cursor` (every list). */
export function unknownCursor (): never {
  throw new RegistryError('VALIDATION_FAILED', 'cursor is not one this service issued', {
    errors: [{ in: 'querystring', pointer: '/cursor', detail: 'unknown cursor / 无效游标' }]
  })
}

/** Reads ?limit= and ?cursor=; a cursor this service did not make is a 400 naming `cursor`. */
export function pageRequest (q: { limit?: number, cursor?: string | undefined }): PageRequest {
  const limit = q.limit ?? 50
  if (q.cursor === undefined || q.cursor === '') return { limit, afterId: 0 }
  // Only what toPage writes: id: and decimal digits (Number would also read 1e1 or 0x10).
  const m = /^id:([0-9]{1,16})$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'))
  const afterId = m ? Number(m[1]) : NaN
  if (!Number.isSafeInteger(afterId)) unknownCursor()
  return { limit, afterId }
}

/** Builds the page body from rows fetched with `limit + 1` (the extra row tells if more exist). */
export function toPage<T extends { id: number }, U> (rows: T[], limit: number, map: (row: T) => U): { items: U[], nextCursor: string | null } {
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page[page.length - 1]
  return {
    items: page.map(map),
    nextCursor: more && last ? Buffer.from(`id:${last.id}`, 'utf8').toString('base64url') : null
  }
}
