// Reading an import body as a stream of records: a JSON array, NDJSON, or CSV in UTF-8 or
// GBK/GB18030 (what Excel in China saves). Records come one by one, so the caller commits in
// chunks without holding every row as objects. A fault in one record is that record's error;
// a body that cannot be read at all fails as a whole (400), before any record is given: bytes
// that are not text in its encoding (naming the line), a bad header row, broken quoting in it.
import { isUtf8 } from 'node:buffer'
import { Readable } from 'node:stream'
import { CsvError, parse as parseCsv } from 'csv-parse'
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

/** The lines (1-based) of a text holding U+FFFD, what a decoder leaves for bytes that are not
 *  text in its encoding. */
const linesWithReplacement = (text: string): number[] =>
  text.split('\n').flatMap((line, i) => (line.includes('\uFFFD') ? [i + 1] : []))

/** The lines (1-based) holding bytes that are not UTF-8, each with where it starts; a line feed
 *  is never inside a character, in UTF-8 as in GBK. */
function linesNotUtf8 (body: Buffer, first = false): Array<{ line: number, start: number }> {
  const found: Array<{ line: number, start: number }> = []
  for (let line = 1, start = 0; start < body.length; line++) {
    const newline = body.indexOf(0x0a, start)
    const end = newline === -1 ? body.length : newline
    if (!isUtf8(body.subarray(start, end))) {
      found.push({ line, start })
      if (first) break
    }
    start = end + 1
  }
  return found
}

const undecodable = (line: number, encoding: string): never =>
  badBody(`line ${line} is not ${encoding} text: bytes that stand for no character / 第 ${line} 行含有无法识别的字节，请以 UTF-8 或 GBK 编码保存`, `/line/${line}`)

/** The text of a CSV body: the charset the client names, else UTF-8 when the bytes are valid
 *  UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312). Bytes that are not
 *  text in it are refused naming their line (VALIDATION_FAILED): decoded, they would be U+FFFD,
 *  and stored in place of what the file said. */
export function decodeText (body: Buffer, charset?: string): string {
  const named = charset?.trim().toLowerCase()
  let text: string
  let encoding: string
  if (named && named !== 'utf-8' && named !== 'utf8') {
    if (!iconv.encodingExists(named)) badBody(`unsupported charset ${named}; send UTF-8 or GBK / 不支持的字符集`)
    text = iconv.decode(body, named)
    encoding = named
  } else if (isUtf8(body)) {
    text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(body)
    encoding = 'UTF-8'
  } else {
    if (named) undecodable((linesNotUtf8(body, true)[0] as { line: number }).line, 'UTF-8')
    text = iconv.decode(body, 'gb18030')
    encoding = 'UTF-8 or GBK'
  }
  if (!text.includes('\uFFFD')) return text
  const bad = linesWithReplacement(text)
  // Neither UTF-8 nor GBK: the bad bytes are named as the file reads in the encoding it is
  // nearer to (fewer lines spoiled), UTF-8 text read as GBK being spoiled itself.
  const notUtf8 = encoding === 'UTF-8 or GBK' ? linesNotUtf8(body) : []
  return undecodable(notUtf8.length > 0 && notUtf8.length <= bad.length ? (notUtf8[0] as { line: number }).line : bad[0] as number, encoding)
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

/** The field of each header cell; VALIDATION_FAILED naming the cells that are no column, or a
 *  column given twice (by its name and its Chinese heading too: which would count?). */
function headerRow (cells: string[], lookup: Map<string, string>, columns: Record<string, ColumnSpec>): Array<string | undefined> {
  const header = cells.map((h) => lookup.get(h.replace(/\s+/g, '').toLowerCase()))
  const unknown = cells.filter((_, i) => header[i] === undefined)
  if (unknown.length > 0) badBody(`unknown column(s): ${unknown.join(', ')}; the columns are ${Object.keys(columns).join(', ')} / 无法识别的列`, '/header')
  const given = new Map<string, string[]>()
  header.forEach((field, i) => { if (field !== undefined) given.set(field, [...(given.get(field) ?? []), cells[i] as string]) })
  const twice = [...given].filter(([, names]) => names.length > 1).map(([field, names]) => `${field} (${names.join(', ')})`)
  if (twice.length > 0) badBody(`column(s) given more than once: ${twice.join('; ')} / 表头中有重复的列`, '/header')
  return header
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
        header = headerRow(cells, lookup, columns)
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
    // Not every parser error's code starts CSV_ (INVALID_OPENING_QUOTE does not).
    if (!(err instanceof CsvError)) throw err
    // Broken quoting: nothing after this point can be read; earlier rows stand on their own.
    if (!header) badBody(`CSV cannot be read: ${err.message} / 无法读取 CSV（引号或分隔符有误）`)
    yield { row: row + 1, error: `CSV cannot be read from here on: ${err.message} / 自此行起无法读取 CSV` }
    return
  }
  if (!header) badBody('the CSV has no header row / 缺少表头')
}

/** The text of an NDJSON body (UTF-8, RFC 8259); bytes that are not UTF-8 are refused naming
 *  the row, and the line, they are on (rows are the lines that are not blank). */
function ndjsonText (body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body)
  } catch {
    const { line, start } = linesNotUtf8(body, true)[0] as { line: number, start: number }
    const row = body.subarray(0, start).toString('utf8').split('\n').filter((l) => l.trim() !== '').length + 1
    return badBody(`row ${row} (line ${line}) is not UTF-8 text: bytes that stand for no character / 第 ${row} 条记录（第 ${line} 行）不是有效的 UTF-8 文本`, `/line/${line}`)
  }
}

function * ndjsonRecords (body: Buffer): Generator<RawRecord> {
  const text = ndjsonText(body)
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
