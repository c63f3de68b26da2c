// Reading an import body as a stream of records: a JSON array, NDJSON, or CSV in UTF-8 or
// GBK/GB18030 (what Excel in China saves). Records come one by one, so the caller commits in
// chunks without holding every row as objects. A fault in one record is that record's error;
// only a body that cannot be read at all (bad header row, broken quoting) fails as a whole.
import { Readable } from 'node:stream'
import { parse as parseCsv } from 'csv-parse'
import iconv from 'iconv-lite'
import { fail } from '../../errors.js'

export type ImportFormat = 'json' | 'ndjson' | 'csv'

export interface RawRecord {
  /** 1-based position among the data records (a CSV's header row is not counted). */
  readonly row: number
  readonly value?: Record<string, unknown>
  readonly error?: string
}

export interface ColumnSpec {
  /** Accepted header names (compared case- and space-insensitively), the first is canonical. */
  readonly names: readonly string[]
  readonly type: 'string' | 'integer' | 'boolean'
}

const badBody = (detail: string, pointer = '/'): never =>
  fail('VALIDATION_FAILED', detail, { errors: [{ in: 'body', pointer, detail }] })

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The text of a CSV body: the charset the client names, else UTF-8 when the bytes are valid
 *  UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312). */
export function decodeText (body: Buffer, charset?: string): string {
  const named = charset?.trim().toLowerCase()
  if (named && named !== 'utf-8' && named !== 'utf8') {
    if (!iconv.encodingExists(named)) badBody(`unsupported charset ${named}; send UTF-8 or GBK`)
    return iconv.decode(body, named)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body)
  } catch {
    if (named) badBody('the body is not valid UTF-8')
    return iconv.decode(body, 'gb18030')
  }
}

function cell (raw: string, type: ColumnSpec['type']): unknown {
  if (type === 'integer' && /^\d{1,15}$/.test(raw)) return Number(raw)
  if (type === 'boolean') {
    const v = raw.toLowerCase()
    if (['true', '1', 'yes', 'y', '是'].includes(v)) return true
    if (['false', '0', 'no', 'n', '否'].includes(v)) return false
  }
  return raw // left as text: the row's schema check names the field
}

async function * csvRecords (body: Buffer, charset: string | undefined, columns: Record<string, ColumnSpec>): AsyncGenerator<RawRecord> {
  const lookup = new Map<string, string>()
  for (const [field, spec] of Object.entries(columns)) for (const n of [field, ...spec.names]) lookup.set(n.replace(/\s+/g, '').toLowerCase(), field)
  const parser = Readable.from([decodeText(body, charset)]).pipe(parseCsv({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }))
  let header: Array<string | undefined> | undefined
  let row = 0
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells.map((h) => lookup.get(h.replace(/\s+/g, '').toLowerCase()))
        const unknown = cells.filter((_, i) => header?.[i] === undefined)
        if (unknown.length > 0) badBody(`unknown column(s): ${unknown.join(', ')}; the columns are ${Object.keys(columns).join(', ')} / 无法识别的列`, '/header')
        continue
      }
      row++
      if (cells.length !== header.length) {
        yield { row, error: `has ${cells.length} cells; the header has ${header.length}` }
        continue
      }
      const value: Record<string, unknown> = {}
      header.forEach((field, i) => {
        const raw = cells[i] ?? ''
        if (field && raw !== '') value[field] = cell(raw, columns[field]?.type ?? 'string')
      })
      yield { row, value }
    }
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && String(err.code).startsWith('CSV_'))) throw err
    // Broken quoting: nothing after this point can be read; earlier rows stand on their own.
    if (!header) badBody(`CSV cannot be read: ${err.message}`)
    yield { row: row + 1, error: `CSV cannot be read from here on: ${err.message}` }
    return
  }
  if (!header) badBody('the CSV has no header row / 缺少表头')
}

function * ndjsonRecords (body: Buffer): Generator<RawRecord> {
  const text = decodeText(body, 'utf-8')
  let row = 0
  let start = 0
  while (start <= text.length) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    const line = text.slice(start, end).trim()
    start = end + 1
    if (line === '') continue
    row++
    let value: unknown
    try { value = JSON.parse(line) } catch { yield { row, error: 'not valid JSON' }; continue }
    yield isObject(value) ? { row, value } : { row, error: 'not a JSON object' }
  }
}

function * jsonRecords (body: unknown): Generator<RawRecord> {
  if (!Array.isArray(body)) badBody('send a JSON array of rows / 请求体须为数组')
  for (let i = 0; i < (body as unknown[]).length; i++) {
    const value: unknown = (body as unknown[])[i]
    yield isObject(value) ? { row: i + 1, value } : { row: i + 1, error: 'not a JSON object' }
  }
}

/** The records of a body already received (a Buffer for NDJSON and CSV, parsed JSON otherwise).
 *  VALIDATION_FAILED when the body as a whole cannot be read. */
export function readRecords (format: ImportFormat, body: unknown, columns: Record<string, ColumnSpec>, charset?: string): AsyncIterable<RawRecord> | Iterable<RawRecord> {
  if (format === 'json') return jsonRecords(body)
  if (!Buffer.isBuffer(body)) return badBody('empty body')
  return format === 'ndjson' ? ndjsonRecords(body) : csvRecords(body, charset, columns)
}

/** Groups records into chunks of `size`. */
export async function * chunked<T> (items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = []
  for await (const item of items) {
    chunk.push(item)
    if (chunk.length >= size) { yield chunk; chunk = [] }
  }
  if (chunk.length > 0) yield chunk
}
