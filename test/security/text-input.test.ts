// Text fields take text, property-based. Every write route of the OpenAPI document (a JSON body
// on POST, PUT or PATCH; a route added later is walked too) gets hostile text in each of its
// string fields, the rest of the body valid: control characters, NUL, zero-width and bidi
// characters, lone surrogates, U+FFFD, blank values. Every bulk import format gets hostile cells,
// bytes that are not text, and CSV its parser cannot read. Whatever comes in: 400 or 422
// problem+json, never a 5xx, and not a byte of the database changes (every write appends to the
// audit trail, so a write that slipped through shows). A free-text field (x-text) is refused
// naming it. TEXT_SEED replays a run (the seed is printed).
import t from 'tap'
import fc from 'fast-check'
import iconv from 'iconv-lite'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { exampleBody, fillPath, pathResource, routesOf, type OpenApiDoc, type Schema } from './fixtures/routes.js'
import { idOf, world } from './fixtures/world.js'
import { idNumber } from '../fixtures.js'
import { tableContents } from '../db.js'

const SEED = Number(process.env.TEXT_SEED ?? Math.floor(Math.random() * 2 ** 31))
const RUNS_PER_FIELD = 6

// Secrets are taken exactly as sent (never trimmed or refused for their characters): the
// token endpoint's too, which answers 400 or 401 and stores nothing.
const SECRETS = new Set(['password', 'client_secret'])
const SIGN_IN = 'POST /v1/auth/token'

// ---- hostile text ---------------------------------------------------------------------------

const cp = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i))
/** Characters no text field keeps anywhere in a value (\t and \n aside: see below). */
const NOT_TEXT = [
  ...cp(0x00, 0x08), '\v', '\f', ...cp(0x0e, 0x1f), '\r', ...cp(0x7f, 0x9f), // C0 (a lone CR too), DEL, C1
  ...cp(0x200b, 0x200f), ...cp(0x202a, 0x202e), ...cp(0x2066, 0x2069), '\u2060', '\ufeff', '\u061c', // zero-width, bidi
  '\u2028', '\u2029', '\ud800', '\udbff', '\udc00', '\udfff', '\ufffd', '\ufffe', '\uffff', '\u{e0041}'
]
/** A line break or a tab: refused in a single-line field, kept in a note. */
const BREAKS = ['\t', '\n']
const LETTERS = [...'张三欧阳娜示例公告〔〕号ABCxyz019-_.']
const word = fc.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 8 }).map((a) => a.join(''))

/** Hostile text for a field: something that is not text inside real text (so that trimming
 *  cannot take it away), or a blank value; `lines` fields keep line breaks and tabs. */
function hostile (lines: boolean): fc.Arbitrary<string> {
  const inside = fc.tuple(word, fc.constantFrom(...NOT_TEXT, ...(lines ? [] : BREAKS)), word).map(([a, c, b]) => `${a}${c}${b}`)
  const blank = fc.array(fc.constantFrom(' ', '\u3000', '\u00a0', '\t', '\n', '\r\n'), { maxLength: 4 }).map((a) => a.join(''))
  const known = fc.constantFrom('\u0000', '\u200B', '\u202Egnp.exe', '\uD800', '\uFFFD', '   ', '', '张\u0000三', 'a\u001b[2Jb')
  return fc.oneof({ weight: 5, arbitrary: inside }, { weight: 2, arbitrary: blank }, { weight: 2, arbitrary: known })
}

// ---- the database, whole -----------------------------------------------------------------------

async function changedTables (before: Map<string, string>, app: FastifyInstance): Promise<string[]> {
  const after = await tableContents(app)
  return [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name))
}

// ---- what an answer must be ----------------------------------------------------------------------

function problemOf (res: LightMyRequestResponse): { code?: string, errors?: Array<{ pointer: string }>, result?: { results?: Array<{ errors?: Array<{ pointer?: string }> }> } } | null {
  if (!String(res.headers['content-type'] ?? '').startsWith('application/problem+json')) return null
  try { return JSON.parse(res.body) } catch { return null }
}

/** What is wrong with the answer to a refused input, or null. `pointer`: the field it must name. */
function judge (res: LightMyRequestResponse, allowed: number[], pointer?: string): string | null {
  if (!allowed.includes(res.statusCode)) return `status ${res.statusCode}, not ${allowed.join(' or ')}`
  const problem = problemOf(res)
  if (!problem) return 'not problem+json'
  if (pointer === undefined) return null
  const named = problem.code === 'IMPORT_REJECTED'
    ? (problem.result?.results ?? []).flatMap((r) => r.errors ?? []).map((e) => `/0${e.pointer ?? ''}`)
    : (problem.errors ?? []).map((e) => e.pointer)
  return named.includes(pointer) ? null : `the field ${pointer} is not named (${named.join(' ') || 'nothing'})`
}

// ---- the string fields of a body -----------------------------------------------------------------

interface Field { name: string, item: boolean, text: 'line' | 'lines' | null }

const isString = (s: Schema | undefined): boolean =>
  s !== undefined && (s.type === 'string' || (s.anyOf ?? s.oneOf ?? []).some((o) => o.type === 'string'))
const textKind = (s: Schema | undefined): 'line' | 'lines' | null => {
  const kinds = [s, ...(s?.anyOf ?? s?.oneOf ?? [])].map((o) => (o as Record<string, unknown> | undefined)?.['x-text'])
  return (kinds.find((k) => k === 'line' || k === 'lines') as 'line' | 'lines' | undefined) ?? null
}

/** Every string field of an object body (or of the rows of a bulk body), and string list items. */
function stringFields (row: Schema | undefined): Field[] {
  return Object.entries(row?.properties ?? {}).flatMap(([name, s]): Field[] => {
    if (SECRETS.has(name)) return []
    if (isString(s)) return [{ name, item: false, text: textKind(s) }]
    if (s.type === 'array' && isString(s.items)) return [{ name, item: true, text: textKind(s.items) }]
    return []
  })
}

t.test('every write route: hostile text in any string field is 400 or 422, names a text field, stores nothing', async (t) => {
  const w = await world(t, { LOG_LEVEL: 'error' })
  const { app } = w
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDoc
  const writes = routesOf(doc).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.body !== undefined)
  t.ok(writes.length >= 20, `${writes.length} write routes with a JSON body`)
  t.comment(`seed ${SEED} (TEXT_SEED=${SEED} replays this run)`)

  let fresh = 70_000
  const c = { id: (r: Parameters<typeof idOf>[2]) => idOf(w, w.east, r), today: w.today, year: w.year, fresh: () => ++fresh }
  const before = await tableContents(app)
  const failures: string[] = []
  const walked = new Map<string, number>()

  for (const route of writes) {
    const bulk = route.body?.type === 'array'
    const fields = stringFields(bulk ? route.body?.items : route.body)
    if (fields.length === 0) continue
    const resource = pathResource(route.path)
    if (route.path.includes('{') && resource === undefined) { failures.push(`${route.key}: no id for its path (PATH_RESOURCES)`); continue }
    const url = fillPath(route.path, resource === undefined ? undefined : idOf(w, w.east, resource), { year: w.year, eventId: w.east.eventId })
    // A change needs the resource's ETag, so that a hostile value let through would be written.
    const ifMatch = route.method === 'PATCH' || route.method === 'PUT' ? (await app.inject({ method: 'GET', url, headers: w.admin })).headers.etag : undefined
    const allowed = route.key === SIGN_IN ? [400, 401] : [400, 422]

    for (const field of fields) {
      // A change carries only the field; a creation a valid body with the field replaced.
      const base = route.method === 'PATCH' ? {} : (exampleBody(bulk ? route.body?.items : route.body, c) as Record<string, unknown>)
      const request = hostile(field.text === 'lines').map((value): InjectOptions => {
        const row = { ...base, [field.name]: field.item ? [value] : value }
        return {
          method: route.method as InjectOptions['method'],
          url,
          headers: { ...(route.key === SIGN_IN ? {} : w.admin), ...(ifMatch ? { 'if-match': ifMatch } : {}) },
          payload: (bulk ? [row] : row) as InjectOptions['payload']
        }
      })
      const pointer = field.text === null ? undefined : `${bulk ? '/0' : ''}/${field.name}${field.item ? '/0' : ''}`
      try {
        await fc.assert(fc.asyncProperty(request, async (req) => {
          walked.set(route.key, (walked.get(route.key) ?? 0) + 1)
          const res = await app.inject(req)
          const wrong = judge(res, allowed, pointer)
          if (wrong) throw new Error(`${wrong}\n  sent ${JSON.stringify(req.payload)}\n  got ${res.body.slice(0, 400)}`)
        }), { numRuns: RUNS_PER_FIELD, seed: SEED + walked.size, endOnFailure: true })
      } catch (err) {
        failures.push(`${route.key} ${field.name}: ${(err as Error).message.slice(0, 1200)}`)
      }
    }
  }

  t.same(failures, [], 'every hostile value refused, naming the text field')
  t.same(await changedTables(before, app), [], 'nothing stored: every table as it was')
  t.ok(walked.size >= 15, `${walked.size} routes walked: ${[...walked.keys()].join(', ')}`)
  for (const key of ['POST /v1/officers', 'PATCH /v1/officers/{id}', 'POST /v1/agencies', 'POST /v1/certificates/{id}/revocation', 'POST /v1/imports/officers', 'POST /v1/clients']) {
    t.ok(walked.has(key), `${key} walked`)
  }
  t.same(w.logs.filter((l) => /"level":(50|60)/.test(l)).map((l) => l.slice(0, 300)), [], 'no error logged')
})

// ---- imports ---------------------------------------------------------------------------------

type Format = 'json' | 'ndjson' | 'csv-utf8' | 'csv-gbk'
const CONTENT_TYPE: Record<Format, string> = {
  json: 'application/json', ndjson: 'application/x-ndjson', 'csv-utf8': 'text/csv; charset=utf-8', 'csv-gbk': 'text/csv'
}

const quoted = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`
function encode (format: Format, rows: Array<Record<string, unknown>>): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify(rows))
  if (format === 'ndjson') return Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const csv = [columns.join(','), ...rows.map((r) => columns.map((k) => r[k] === undefined ? '' : quoted(r[k])).join(','))].join('\r\n') + '\r\n'
  return format === 'csv-gbk' ? iconv.encode(csv, 'gb18030') : Buffer.from(csv, 'utf8')
}

/** Byte sequences that are not UTF-8; those also not GB 18030 (a CSV without a charset is read
 *  as GBK when it is not UTF-8), checked here rather than trusted. */
const NOT_UTF8: number[][] = [[0xff], [0x80], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf5, 0x80, 0x80, 0x80], [0xfe]]
const NOT_GBK_EITHER = NOT_UTF8.filter((b) => iconv.decode(Buffer.from([0x61, ...b, 0x61]), 'gb18030').includes('\ufffd'))

/** A body with bytes that are not text spliced into a row's text. */
function withBadBytes (format: Format, row: Record<string, unknown>, field: string, bytes: number[]): Buffer {
  const marker = 'QQMARKQQ'
  const body = encode(format, [{ ...row, [field]: `张${marker}三` }])
  const at = body.indexOf(marker)
  return Buffer.concat([body.subarray(0, at), Buffer.from(bytes), body.subarray(at + marker.length)])
}

/** Binary noise; not blank (a body of only white space has no rows, and is answered so). */
const noise = fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((b) => Buffer.from(b).toString('latin1').trim() !== '')

/** CSV that its parser cannot read, or that is not the columns it should be. */
function malformedCsv (header: string[], row: string[]): fc.Arbitrary<Buffer> {
  const line = (cells: string[]) => cells.join(',')
  return fc.oneof(
    fc.constantFrom(
      `"a"b,c\r\n${line(row)}\r\n`, // a stray quote in the first line
      `a"b,c\r\n${line(row)}\r\n`,
      `${line(header)}\r\n${row[0] ?? ''}"x,${line(row.slice(1))}\r\n`, // and in a row
      `${line(header)}\r\n"${line(row)}\r\n`, // a quote never closed
      `${line([...header, header[0] as string])}\r\n${line([...row, row[0] as string])}\r\n`, // a column twice
      JSON.stringify([Object.fromEntries(header.map((h, i) => [h, row[i]]))]), // JSON sent as CSV
      JSON.stringify(Object.fromEntries(header.map((h, i) => [h, row[i]]))),
      '', '\r\n', '\ufeff', '"', '""""', ',,,\r\n', `${line(header)}\r\n"\u0000`
    ).map((s) => Buffer.from(s, 'utf8')),
    noise.map((b) => Buffer.from(b))
  )
}

t.test('every import format: hostile cells, bytes that are not text and unreadable CSV are 400 or 422, never 500, nothing stored', async (t) => {
  const w = await world(t, { LOG_LEVEL: 'error' })
  const { app } = w
  t.ok(NOT_GBK_EITHER.length >= 2, `${NOT_GBK_EITHER.length} byte sequences that are neither UTF-8 nor GB 18030`)
  let seq = 500
  const imports = [
    { url: '/v1/imports/officers', row: () => ({ name: '欧阳娜娜', idNumber: idNumber(++seq % 1000, '19850607'), agencyId: w.east.agency.id, employeeNo: `E-${seq}` }), text: ['name', 'employeeNo'] },
    { url: '/v1/imports/attendances', row: () => ({ trainingId: w.east.training.id, idNumber: w.east.spare.idNumber }), text: ['idNumber'] }
  ]
  const formats: Format[] = ['json', 'ndjson', 'csv-utf8', 'csv-gbk']
  const before = await tableContents(app)
  const failures: string[] = []
  let sent = 0
  const send = async (url: string, contentType: string, payload: Buffer, label: string) => {
    sent++
    const res = await app.inject({ method: 'POST', url, headers: { ...w.admin, 'content-type': contentType }, payload })
    const wrong = judge(res, [400, 422])
    if (wrong) throw new Error(`${label}: ${wrong}\n  sent ${JSON.stringify(payload.toString('latin1')).slice(0, 300)}\n  got ${res.body.slice(0, 400)}`)
  }

  for (const imp of imports) {
    // The rows themselves are good: each format imports them (dry run, nothing written).
    for (const format of formats) {
      const ok = await app.inject({ method: 'POST', url: `${imp.url}?dryRun=true`, headers: { ...w.admin, 'content-type': CONTENT_TYPE[format] }, payload: encode(format, [imp.row()]) })
      t.equal(ok.statusCode, 200, `${imp.url} ${format}: a good row passes (${ok.body.slice(0, 200)})`)
    }
    const cases: Array<[string, fc.Arbitrary<[string, Buffer]>]> = [
      ['hostile cell', fc.tuple(fc.constantFrom(...formats), fc.constantFrom(...imp.text), hostile(false))
        // GBK has no lone surrogates; an empty CSV cell is a value not given (a blank one too: the parser trims it)
        .filter(([format, , v]) => (format !== 'csv-gbk' || !/\p{Cs}/u.test(v)) && !(format.startsWith('csv') && v.trim() === ''))
        .map(([format, field, value]) => [CONTENT_TYPE[format], encode(format, [imp.row(), { ...imp.row(), [field]: value }])])],
      ['bytes that are not UTF-8', fc.tuple(fc.constantFrom<Format>('json', 'ndjson', 'csv-utf8'), fc.constantFrom(...NOT_UTF8))
        .map(([format, bytes]) => [CONTENT_TYPE[format], withBadBytes(format, imp.row(), imp.text[0] as string, bytes)])],
      ['bytes that are neither UTF-8 nor GBK', fc.constantFrom(...NOT_GBK_EITHER).map((bytes) => [CONTENT_TYPE['csv-gbk'], withBadBytes('csv-gbk', imp.row(), imp.text[0] as string, bytes)])],
      ['CSV that cannot be read', fc.constant(null).chain(() => {
        const row = imp.row()
        return malformedCsv(Object.keys(row), Object.values(row).map(String)).map((b): [string, Buffer] => ['text/csv', b])
      })],
      ['noise in any format', fc.tuple(fc.constantFrom(...formats), noise).map(([format, b]) => [CONTENT_TYPE[format], Buffer.from(b)])]
    ]
    for (const [label, arbitrary] of cases) {
      try {
        await fc.assert(fc.asyncProperty(arbitrary, async ([contentType, payload]) => send(imp.url, contentType, payload, `${label}, ${contentType}`)),
          { numRuns: 25, seed: SEED + sent, endOnFailure: true })
      } catch (err) {
        failures.push(`${imp.url} ${label}: ${(err as Error).message.slice(0, 1200)}`)
      }
    }
  }
  t.same(failures, [], 'every bad body refused')
  t.ok(sent >= 200, `${sent} bodies sent`)
  t.same(await changedTables(before, app), [], 'nothing stored: every table as it was')
  t.same(w.logs.filter((l) => /"level":(50|60)/.test(l)).map((l) => l.slice(0, 300)), [], 'no error logged')
})
