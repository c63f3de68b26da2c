// Every list pages the same way, through paged(): ?limit= (default 50) and ?cursor=, one row
// more than asked read to tell whether more exist, and one cursor format.
//
// The cursor is base64url of `id:<n>`: the list resumes after the row whose key is n (its id,
// or for a list computed whole and ordered otherwise, its 1-based place in that order). The
// change feed stamps it with the time of that event, `ev:<n>:<time>`, so a feed restored from
// an older backup is noticed. Still read: `o:<n>` (the staffing and certificates reports until
// 2026-12, the offset of the next row, which is the place of the last row read) and a feed
// cursor of the form `id:<n>`. Anything else is a 400 naming `cursor`.
import { RegistryError } from '../errors.js'
import { MAX_ID } from './schemas.js'

/** Where a list resumes: after the row whose key is `after`; `stamp` for the change feed. */
export interface Cursor { after: number, stamp?: string }

/** The page body every list answers. */
export interface Page<T> { items: T[], nextCursor: string | null }

/** ?limit= and ?cursor= as a list's querystring carries them. */
export interface PageParams { limit?: number | undefined, cursor?: string | undefined }

/** What a list's cursor may be: a row key (most lists), a place in a list computed whole
 *  (reports; also reads the old `o:` offsets), or a stamped feed position. */
export type CursorKind = 'keyed' | 'ordinal' | 'stamped'

export const DEFAULT_LIMIT = 50

/** The refusal of a cursor this service did not make: 400 naming `cursor` (every list). */
export function unknownCursor (): never {
  throw new RegistryError('VALIDATION_FAILED', 'cursor is not one this service issued', {
    errors: [{ in: 'querystring', pointer: '/cursor', detail: 'unknown cursor / 无效游标' }]
  })
}

/** The cursor naming `c`. */
export function writeCursor (c: Cursor): string {
  return Buffer.from(c.stamp === undefined ? `id:${c.after}` : `ev:${c.after}:${c.stamp}`, 'utf8').toString('base64url')
}

// Decimal digits only (Number would also read 1e1 or 0x10), at most 16 of them.
const FORMS: Record<CursorKind, RegExp> = {
  keyed: /^id:([0-9]{1,16})$/,
  ordinal: /^(?:id|o):([0-9]{1,16})$/,
  stamped: /^(?:id:([0-9]{1,16})|ev:([0-9]{1,16}):(.{1,40}))$/
}

/** The position a cursor names ({ after: 0 } for none); VALIDATION_FAILED (400 naming
 *  `cursor`) for one this service did not make or one of another kind of list. */
export function readCursor (token: string | undefined, kind: CursorKind = 'keyed'): Cursor {
  if (token === undefined || token === '') return { after: 0 }
  const m = FORMS[kind].exec(Buffer.from(token, 'base64url').toString('utf8'))
  const after = Number(m?.[1] ?? m?.[2])
  // Past the largest id no cursor of ours points (and PostgreSQL's integer ids could not hold it).
  if (!m || !Number.isSafeInteger(after) || after > MAX_ID) unknownCursor()
  return m[3] === undefined ? { after } : { after, stamp: m[3] }
}

/** Reads up to `take` rows whose key is greater than `after`, in key order. */
export type PageReader<R> = (after: number, take: number) => Promise<R[]>

/**
 * One page of a list: reads `limit + 1` rows after the cursor (the extra one tells whether
 * more exist) and answers `{ items, nextCursor }`, nextCursor null on the last page.
 * The source is either a reader of rows keyed by a growing `id`, or the whole list already
 * computed in its order (a report), where a row's key is its place. `map` shapes each item.
 * Rejects with VALIDATION_FAILED for a cursor this service did not make.
 */
export async function paged<R extends { id: number }> (q: PageParams, source: PageReader<R>): Promise<Page<R>>
export async function paged<R extends { id: number }, U> (q: PageParams, source: PageReader<R>, map: (row: R) => U): Promise<Page<U>>
export async function paged<R> (q: PageParams, source: readonly R[]): Promise<Page<R>>
export async function paged<R, U> (q: PageParams, source: readonly R[], map: (row: R) => U): Promise<Page<U>>
export async function paged<R, U> (q: PageParams, source: PageReader<R & { id: number }> | readonly R[], map?: (row: R) => U): Promise<Page<R | U>> {
  const limit = q.limit ?? DEFAULT_LIMIT
  if (Array.isArray(source)) {
    const { after } = readCursor(q.cursor, 'ordinal')
    const rows = (source as readonly R[]).slice(after, after + limit + 1).map((row, i) => ({ id: after + i + 1, row }))
    return page(rows, limit, (r) => (map ? map(r.row) : r.row))
  }
  const { after } = readCursor(q.cursor, 'keyed')
  return page(await (source as PageReader<R & { id: number }>)(after, limit + 1), limit, (r) => (map ? map(r) : r))
}

function page<T extends { id: number }, U> (rows: T[], limit: number, map: (row: T) => U): Page<U> {
  const more = rows.length > limit
  const shown = more ? rows.slice(0, limit) : rows
  const last = shown[shown.length - 1]
  return { items: shown.map(map), nextCursor: more && last ? writeCursor({ after: last.id }) : null }
}
