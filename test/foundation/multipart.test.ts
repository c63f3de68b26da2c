// How the service reads a header's parameters and a file picked on the docs page
// (multipart/form-data): table-driven, on the pure functions.
import t from 'tap'
import iconv from 'iconv-lite'
import { RegistryError } from '../../src/errors.js'
import { headerValue } from '../../src/http/header-value.js'
import { uploadedImport } from '../../src/modules/imports/upload.js'

t.test('headerValue: the value lower-cased, parameters by lower-cased name, quoted values unquoted', async (t) => {
  const cases: Array<[string | undefined, string, Record<string, string>]> = [
    [undefined, '', {}],
    ['', '', {}],
    ['application/json', 'application/json', {}],
    [' Text/CSV ; Charset=GBK', 'text/csv', { charset: 'GBK' }],
    ['text/csv;charset="utf-8"', 'text/csv', { charset: 'utf-8' }],
    ['multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk', 'multipart/form-data', { boundary: '----WebKitFormBoundary7MA4YWxk' }],
    ['multipart/form-data; boundary="a;b c"', 'multipart/form-data', { boundary: 'a;b c' }],
    ['form-data; name="file"; filename="人员 \\"新\\".csv"', 'form-data', { name: 'file', filename: '人员 "新".csv' }],
    ['form-data; filename="name=x"; name=file', 'form-data', { filename: 'name=x', name: 'file' }],
    ['text/csv; charset=gbk; charset=utf-8', 'text/csv', { charset: 'gbk' }],
    ['text/csv; nonsense; charset=gbk', 'text/csv', {}],
    ['text/csv; charset=', 'text/csv', { charset: '' }]
  ]
  for (const [header, value, parameters] of cases) {
    const got = headerValue(header)
    t.same({ value: got.value, parameters: Object.fromEntries(got.parameters) }, { value, parameters }, JSON.stringify(header))
  }
})

const BOUNDARY = 'RegistryUpload7MA4'
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`
const CSV = '姓名,身份证号,执法主体编号\n张三,110101199003070075,1\n'

/** A body from raw pieces: each piece a string (latin1 for the framing, UTF-8 given as Buffer). */
const raw = (...pieces: Array<string | Buffer>) => Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'utf8'))))
const part = (name: string, content: string | Buffer, headers = '') =>
  raw(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="x.csv"\r\n${headers}\r\n`, content, '\r\n')
const end = `--${BOUNDARY}--\r\n`

/** The refusal `fn` throws: code, the pointer of its first error, and its detail. */
function refusal (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err
    const first = (err.extra?.errors as Array<{ pointer: string }> | undefined)?.[0]
    return `${err.code} ${first?.pointer ?? ''} ${err.message}`
  }
  return 'accepted'
}

t.test('uploadedImport reads one file part, its format from its bytes, its charset from its part', async (t) => {
  const csv = uploadedImport(raw(part('file', CSV), end), TYPE)
  t.same({ format: csv.format, body: String(csv.body) }, { format: 'csv', body: CSV }, 'CSV as sent')
  const gbk = uploadedImport(raw(part('file', iconv.encode(CSV, 'gbk'), 'Content-Type: text/csv; charset="GBK"\r\n'), end), TYPE)
  t.equal(gbk.charset, 'GBK', "the part's own charset, quoted")
  t.equal(Buffer.compare(gbk.body as Buffer, iconv.encode(CSV, 'gbk')), 0, 'and the bytes left as sent, for the CSV reader to decode')
  t.same(uploadedImport(raw(part('file', '[{"name":"张三"}]'), end), TYPE).body, [{ name: '张三' }], 'a JSON array parsed')
  t.equal(uploadedImport(raw(part('file', '{"name":"张三"}\n'), end), TYPE).format, 'ndjson')
  const preamble = uploadedImport(raw('This is a preamble.\r\n', part('file', CSV), end, 'and an epilogue'), TYPE)
  t.equal(String(preamble.body), CSV, 'a preamble and an epilogue are not content')
  const padded = uploadedImport(raw(`--${BOUNDARY} \t\r\nContent-Disposition: form-data; name=file\r\n\r\n`, CSV, `\r\n--${BOUNDARY}--`), TYPE)
  t.equal(String(padded.body), CSV, 'spaces after a delimiter (transport padding), an unquoted name, no CRLF after the last delimiter')
  const lookalike = `${CSV}--${BOUNDARY}x,not a delimiter\r\n--${BOUNDARY}zz\r\n`
  t.equal(String(uploadedImport(raw(part('file', lookalike), end), TYPE).body), lookalike,
    'the boundary inside the file, not followed by a line end or --, is content')
  t.equal(String(uploadedImport(raw(part('file', CSV), end), `multipart/form-data; boundary="${BOUNDARY}"`).body), CSV, 'a quoted boundary')
})

t.test('uploadedImport refuses what is not one readable file, naming the field', async (t) => {
  const cases: Array<[string, Buffer, string, RegExp]> = [
    ['no boundary', raw(part('file', CSV), end), 'multipart/form-data', /^VALIDATION_FAILED \/ .*without a boundary/],
    ['no parts', raw('just text\r\n'), TYPE, /^VALIDATION_FAILED \/ .*no parts/],
    ['only the closing delimiter', raw(end), TYPE, /^VALIDATION_FAILED \/file .*请选择要导入的文件/],
    ['an empty file', raw(part('file', ''), end), TYPE, /^VALIDATION_FAILED \/file .*请选择要导入的文件/],
    ['cut short: no delimiter after the file', raw(part('file', CSV)), TYPE, /^VALIDATION_FAILED \/ .*cut short/],
    ['cut short: inside the headers', raw(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"`), TYPE, /^VALIDATION_FAILED \/ .*cut short/],
    ['two files', raw(part('file', CSV), part('file', CSV), end), TYPE, /^VALIDATION_FAILED \/file 2 files sent/],
    ['another field', raw(part('file', CSV), part('note', 'x'), end), TYPE, /^VALIDATION_FAILED \/note unknown field/],
    ['a JSON array cut short', raw(part('file', '[{"name": '), end), TYPE, /^VALIDATION_FAILED \/file .*not valid UTF-8 JSON/],
    ['a JSON array in GBK', raw(part('file', iconv.encode('[{"name":"张三"}]', 'gbk')), end), TYPE, /^VALIDATION_FAILED \/file .*not valid UTF-8 JSON/]
  ]
  for (const [label, body, type, expected] of cases) t.match(refusal(() => uploadedImport(body, type)), expected, label)
})
