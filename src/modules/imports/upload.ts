// An import file picked on the docs page: multipart/form-data (RFC 7578) with one part, `file`.
// The format is read from the file itself, as a clerk cannot be asked which it is: a JSON array
// starts with [, NDJSON with {, anything else is CSV (UTF-8 or GBK, parse.ts tells which). The
// other content types stay as they were for HR systems.
import { fail } from '../../errors.js'
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

/** The parameter of a header value (`name="file"`, `boundary=x`), unquoted. */
function parameter (value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(value)
  return m ? (m[1] ?? m[2]) : undefined
}

interface Part { readonly name: string | undefined, readonly type: string | undefined, readonly content: Buffer }

function parts (body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`)
  const found: Part[] = []
  let at = body.indexOf(delimiter)
  if (at < 0) badUpload('the form has no parts: choose a file / 未收到文件，请选择文件', '/')
  while (at >= 0) {
    const after = at + delimiter.length
    if (body.subarray(after, after + 2).toString() === '--') break // the closing delimiter
    const headersEnd = body.indexOf(HEADERS_END, after)
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), headersEnd)
    if (headersEnd < 0 || next < 0) badUpload('the form is cut short / 上传的表单不完整', '/')
    const headers = body.subarray(after + 2, headersEnd).toString('latin1').split('\r\n')
    const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim()
    const disposition = header('content-disposition') ?? ''
    found.push({ name: parameter(disposition, 'name'), type: header('content-type'), content: body.subarray(headersEnd + 4, next) })
    at = next + 2
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
 *  naming `file`) when there is no file, another field, or a JSON file that cannot be read. */
export function uploadedImport (body: Buffer, contentType: string): UploadedImport {
  const boundary = parameter(contentType, 'boundary')
  if (!boundary) badUpload('multipart/form-data without a boundary / 上传格式有误', '/')
  const all = parts(body, boundary as string)
  const others = all.filter((p) => p.name !== FILE_FIELD)
  if (others.length > 0) badUpload(`unknown field(s) ${others.map((p) => p.name ?? '?').join(', ')}: send only file / 仅接受 file 字段`, `/${others[0]?.name ?? ''}`)
  const file = all.find((p) => p.name === FILE_FIELD)
  if (!file || file.content.length === 0) return badUpload('请选择要导入的文件 / choose the file to import')
  const { content } = file as Part
  const format = formatOfFile(content)
  if (format !== 'json') {
    const charset = file?.type ? parameter(file.type, 'charset') : undefined
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
