// An import file picked on the docs page: multipart/form-data (RFC 7578) with one part, `file`.
// The format is read from the file itself, as a clerk cannot be asked which it is: a JSON array
// starts with [, NDJSON with {, anything else is CSV (UTF-8 or GBK, parse.ts tells which). The
// other content types stay as they were for HR systems.
import { fail } from '../../errors.js'
import { headerValue } from '../../http/header-value.js'
import type { ImportFormat } from './parse.js'

export const MULTIPART = 'multipart/form-data'
export const FILE_FIELD = 'file'

/** What an uploaded file becomes: the format and body an import reads. */
export interface UploadedImport {
  readonly format: ImportFormat
  readonly charset?: string
  /** A Buffer for CSV and NDJSON, the parsed array for JSON (as a JSON body would be). */
  readonly body: unknown
}

const badUpload = (detail: string, pointer = `/${FILE_FIELD}`): never =>
  fail('VALIDATION_FAILED', detail, { errors: [{ in: 'body', pointer, detail }] })

const CRLF = Buffer.from('\r\n')
const HEADERS_END = Buffer.from('\r\n\r\n')
const DASHES = Buffer.from('--')

interface Part { readonly name: string | undefined, readonly type: string | undefined, readonly content: Buffer }
interface Delimiter { readonly at: number, readonly last: boolean, readonly next: number }

/**
 * The next delimiter line at or after `from` (RFC 2046 §5.1.1): `--boundary` at the start of the
 * body or after a CRLF, then `--` (the last one) or optional spaces and a CRLF; `next` is where
 * what follows it begins. The same bytes inside a part followed by anything else are content.
 */
function delimiterAt (body: Buffer, delimiter: Buffer, from: number): Delimiter | undefined {
  for (let at = body.indexOf(delimiter, from); at >= 0; at = body.indexOf(delimiter, at + 1)) {
    if (at !== 0 && !body.subarray(at - 2, at).equals(CRLF)) continue
    let i = at + delimiter.length
    if (body.subarray(i, i + 2).equals(DASHES)) return { at, last: true, next: i + 2 }
    while (body[i] === 0x20 || body[i] === 0x09) i++
    if (body.subarray(i, i + 2).equals(CRLF)) return { at, last: false, next: i + 2 }
  }
  return undefined
}

/** The parts of a multipart body, in order; VALIDATION_FAILED when it has none or is cut short
 *  (a part without its headers' end, or no delimiter after it). */
function parts (body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`)
  const found: Part[] = []
  const first = delimiterAt(body, delimiter, 0)
  if (first === undefined) return badUpload('the form has no parts: choose a file / 未收到文件，请选择文件', '/')
  let open: Delimiter = first
  while (!open.last) {
    // A part without headers starts with its blank line: the CRLF ending the delimiter line.
    const headersEnd: number = body.indexOf(HEADERS_END, open.next - 2)
    const close: Delimiter | undefined = headersEnd < 0 ? undefined : delimiterAt(body, delimiter, headersEnd + 4)
    if (headersEnd < 0 || close === undefined) return badUpload('the form is cut short / 上传的表单不完整', '/')
    const headers = headersEnd < open.next ? [] : body.subarray(open.next, headersEnd).toString('latin1').split('\r\n')
    const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1)
    // The content ends at the CRLF that begins the next delimiter line.
    found.push({ name: headerValue(header('content-disposition')).parameters.get('name'), type: header('content-type'), content: body.subarray(headersEnd + 4, close.at - 2) })
    open = close
  }
  return found
}

/** The format of a file's bytes: [ a JSON array, { NDJSON, anything else CSV. */
function formatOfFile (content: Buffer): ImportFormat {
  let i = content.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0
  while (i < content.length && [0x20, 0x09, 0x0a, 0x0d].includes(content[i] as number)) i++
  return content[i] === 0x5b ? 'json' : content[i] === 0x7b ? 'ndjson' : 'csv'
}

/** The import a multipart/form-data body carries in its `file` part; VALIDATION_FAILED (400,
 *  naming `file`) when there is no file or more than one, another field, or a JSON file that
 *  cannot be read. */
export function uploadedImport (body: Buffer, contentType: string): UploadedImport {
  const boundary = headerValue(contentType).parameters.get('boundary')
  if (!boundary) return badUpload('multipart/form-data without a boundary / 上传格式有误', '/')
  const all = parts(body, boundary)
  const others = all.filter((p) => p.name !== FILE_FIELD)
  if (others.length > 0) badUpload(`unknown field(s) ${others.map((p) => p.name ?? '?').join(', ')}: send only file / 仅接受 file 字段`, `/${others[0]?.name ?? ''}`)
  if (all.length > 1) badUpload(`${all.length} files sent: an import reads one file; send each on its own / 每次只能导入一个文件`)
  const file = all[0]
  if (file === undefined || file.content.length === 0) return badUpload('请选择要导入的文件 / choose the file to import')
  const { content } = file
  const format = formatOfFile(content)
  if (format !== 'json') {
    const charset = headerValue(file.type).parameters.get('charset')
    return charset ? { format, charset, body: content } : { format, body: content }
  }
  let rows: unknown
  try {
    rows = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content))
  } catch {
    return badUpload('the file starts like a JSON array but is not valid UTF-8 JSON / 文件不是有效的 JSON（UTF-8）')
  }
  return { format, body: rows }
}
