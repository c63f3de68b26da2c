// paged() and the cursor, without HTTP: every list pages through them.
import t from 'tap'
import type { Test } from 'tap'
import { paged, readCursor, writeCursor, type CursorKind, type PageReader } from '../../src/http/pagination.js'
import { RegistryError } from '../../src/errors.js'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
const inside = (cursor: string | null) => (cursor === null ? null : Buffer.from(cursor, 'base64url').toString('utf8'))

/** A reader over rows with ids `ids` that records what it was asked. */
function table (ids: number[]) {
  const asked: Array<[number, number]> = []
  const read: PageReader<{ id: number, name: string }> = async (after, take) => {
    asked.push([after, take])
    return ids.filter((id) => id > after).slice(0, take).map((id) => ({ id, name: `row ${id}` }))
  }
  return { read, asked }
}

/** The 400 naming `cursor` that every list answers a cursor it did not make with. */
async function refusesCursor (t: Test, fn: () => unknown, why: string) {
  try {
    await fn()
    t.fail(`${why}: accepted`)
  } catch (err) {
    t.ok(err instanceof RegistryError, `${why}: a RegistryError`)
    t.match(err, { code: 'VALIDATION_FAILED', extra: { errors: [{ in: 'querystring', pointer: '/cursor' }] } }, `${why}: VALIDATION_FAILED naming cursor`)
  }
}

t.test('a cursor reads back as the position it was written for, in every kind of list', async (t) => {
  const cases: Array<[CursorKind, { after: number, stamp?: string }, string]> = [
    ['keyed', { after: 0 }, 'id:0'],
    ['keyed', { after: 1 }, 'id:1'],
    ['keyed', { after: 2 ** 31 - 1 }, 'id:2147483647'],
    ['ordinal', { after: 50 }, 'id:50'],
    ['stamped', { after: 7 }, 'id:7'],
    ['stamped', { after: 7, stamp: '2026-12-06T19:36:40.123Z' }, 'ev:7:2026-12-06T19:36:40.123Z']
  ]
  for (const [kind, cursor, text] of cases) {
    const written = writeCursor(cursor)
    t.equal(inside(written), text, `${JSON.stringify(cursor)} is written as ${text}`)
    t.match(written, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping')
    t.same(readCursor(written, kind), cursor, `${text} reads back in a ${kind} list`)
  }
})

t.test('no cursor, or an empty one, starts at the beginning', async (t) => {
  for (const kind of ['keyed', 'ordinal', 'stamped'] as const) {
    t.same(readCursor(undefined, kind), { after: 0 }, `${kind}: none`)
    t.same(readCursor('', kind), { after: 0 }, `${kind}: empty`)
  }
})

t.test('cursors the service issued before keep working where they were issued', async (t) => {
  const cases: Array<[string, CursorKind, { after: number, stamp?: string }]> = [
    ['id:42', 'keyed', { after: 42 }], // every keyed list, since the start
    ['o:100', 'ordinal', { after: 100 }], // the staffing and certificates reports: the next row's offset
    ['o:0', 'ordinal', { after: 0 }],
    ['id:9', 'stamped', { after: 9 }], // the feed's first form
    ['ev:9:2026-03-01T08:00:00.000Z', 'stamped', { after: 9, stamp: '2026-03-01T08:00:00.000Z' }]
  ]
  for (const [text, kind, want] of cases) t.same(readCursor(b64(text), kind), want, `${text} in a ${kind} list`)
})

t.test('a cursor this service did not make, or of another kind of list, is a 400 naming cursor', async (t) => {
  const cases: Array<[string, string, CursorKind]> = [
    ['not base64 at all', '!!!', 'keyed'],
    ['random text', b64('hello'), 'keyed'],
    ['a JSON id', b64('{"id":-1}'), 'keyed'],
    ['a negative id', b64('id:-1'), 'keyed'],
    ['an exponent', b64('id:1e1'), 'keyed'],
    ['hexadecimal', b64('id:0x10'), 'keyed'],
    ['a space', b64('id: 1'), 'keyed'],
    ['a fraction', b64('id:1.5'), 'keyed'],
    ['17 digits', b64(`id:${'9'.repeat(17)}`), 'keyed'],
    ['past the safe integers', b64('id:9999999999999999'), 'keyed'],
    ['past the largest id', b64('id:2147483648'), 'keyed'],
    ['a feed cursor past the largest id', b64('ev:2147483648:2026-01-01T00:00:00.000Z'), 'stamped'],
    ['nothing after the colon', b64('id:'), 'keyed'],
    ['an old report offset in a keyed list', b64('o:5'), 'keyed'],
    ['a feed cursor in a keyed list', b64('ev:5:2026-01-01T00:00:00.000Z'), 'keyed'],
    ['a feed cursor in a report', b64('ev:5:2026-01-01T00:00:00.000Z'), 'ordinal'],
    ['an offset in the feed', b64('o:5'), 'stamped'],
    ['a feed cursor with an empty stamp', b64('ev:5:'), 'stamped'],
    ['a feed cursor with a stamp over 40 characters', b64(`ev:5:${'x'.repeat(41)}`), 'stamped']
  ]
  for (const [why, cursor, kind] of cases) await refusesCursor(t, () => readCursor(cursor, kind), why)
})

t.test('paged reads one row more than the limit and answers a cursor only when more exist', async (t) => {
  const ids = [3, 5, 8, 13, 21]
  const cases: Array<{ limit?: number, after: number, items: number[], next: string | null, asked: [number, number] }> = [
    { limit: 2, after: 0, items: [3, 5], next: 'id:5', asked: [0, 3] },
    { limit: 2, after: 5, items: [8, 13], next: 'id:13', asked: [5, 3] },
    { limit: 2, after: 13, items: [21], next: null, asked: [13, 3] },
    { limit: 5, after: 0, items: ids, next: null, asked: [0, 6] }, // exactly full: no next page
    { limit: 4, after: 0, items: [3, 5, 8, 13], next: 'id:13', asked: [0, 5] },
    { limit: 1, after: 21, items: [], next: null, asked: [21, 2] },
    { limit: 500, after: 0, items: ids, next: null, asked: [0, 501] },
    { after: 0, items: ids, next: null, asked: [0, 51] } // no limit: 50
  ]
  for (const c of cases) {
    const { read, asked } = table(ids)
    const page = await paged({ limit: c.limit, cursor: c.after === 0 ? undefined : writeCursor({ after: c.after }) }, read)
    const label = `limit ${c.limit ?? 'unset'} after ${c.after}`
    t.same(page.items.map((r) => r.id), c.items, `${label}: items`)
    t.equal(inside(page.nextCursor), c.next, `${label}: nextCursor`)
    t.same(asked, [c.asked], `${label}: asked the source once for limit + 1`)
  }
})

t.test('following nextCursor visits every row once, for every limit', async (t) => {
  const ids = Array.from({ length: 23 }, (_, i) => i * 3 + 1)
  for (const limit of [1, 2, 5, 22, 23, 24]) {
    const { read } = table(ids)
    const seen: number[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < 30; pages++) {
      const page = await paged({ limit, cursor }, read)
      seen.push(...page.items.map((r) => r.id))
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    t.same(seen, ids, `limit ${limit}`)
  }
})

t.test('paged shapes each item with map, and the cursor still follows the row key', async (t) => {
  const { read } = table([10, 20, 30])
  const page = await paged({ limit: 2 }, read, ({ id: _id, ...row }) => row)
  t.same(page.items, [{ name: 'row 10' }, { name: 'row 20' }])
  t.equal(inside(page.nextCursor), 'id:20')
})

t.test('a list computed whole pages by place, and reads the old offset cursors', async (t) => {
  const rows = ['a', 'b', 'c', 'd', 'e']
  const cases: Array<{ limit?: number, cursor?: string, items: string[], next: string | null }> = [
    { limit: 2, items: ['a', 'b'], next: 'id:2' },
    { limit: 2, cursor: b64('id:2'), items: ['c', 'd'], next: 'id:4' },
    { limit: 2, cursor: b64('o:2'), items: ['c', 'd'], next: 'id:4' }, // an old cursor, the same place
    { limit: 2, cursor: b64('id:4'), items: ['e'], next: null },
    { limit: 5, items: rows, next: null },
    { limit: 2, cursor: b64('o:9'), items: [], next: null }, // past the end: an empty last page
    { items: rows, next: null }
  ]
  for (const c of cases) {
    const page = await paged({ limit: c.limit, cursor: c.cursor }, rows)
    const label = `limit ${c.limit ?? 'unset'} at ${inside(c.cursor ?? null) ?? 'start'}`
    t.same(page.items, c.items, `${label}: items`)
    t.equal(inside(page.nextCursor), c.next, `${label}: nextCursor`)
  }
  t.same((await paged({ limit: 1 }, rows, (r) => r.toUpperCase())).items, ['A'], 'map applies')
  await refusesCursor(t, () => paged({ cursor: b64('ev:1:x') }, rows), 'a feed cursor in a report')
})

t.test('a bad cursor is refused before the source is read', async (t) => {
  const { read, asked } = table([1, 2, 3])
  await refusesCursor(t, () => paged({ cursor: b64('id:x') }, read), 'garbage')
  t.same(asked, [], 'the source was not asked')
})
