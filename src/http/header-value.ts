// A header value with parameters (RFC 9110 §5.6.6): Content-Type (`text/csv; charset=GBK`) and a
// form part's Content-Disposition (`form-data; name="file"; filename="人员.csv"`), read one way
// wherever the service reads them.

export interface HeaderValue {
  /** What comes before the first `;`, trimmed and lower-cased (`multipart/form-data`). */
  readonly value: string
  /** The parameters by lower-cased name, a quoted value unquoted (`\"` read as `"`); the first
   *  of a name given twice. */
  readonly parameters: ReadonlyMap<string, string>
}

const PARAMETER = /\s*;\s*([^\s;=]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/y

/** The value and parameters of `header` (absent: an empty value). A parameter that cannot be
 *  read ends the reading: the ones before it are kept. */
export function headerValue (header: string | undefined): HeaderValue {
  const text = header ?? ''
  const end = text.indexOf(';')
  const value = (end < 0 ? text : text.slice(0, end)).trim().toLowerCase()
  const parameters = new Map<string, string>()
  if (end < 0) return { value, parameters }
  const parameter = new RegExp(PARAMETER.source, 'y')
  parameter.lastIndex = end
  for (let m = parameter.exec(text); m !== null; m = parameter.exec(text)) {
    const name = (m[1] as string).toLowerCase()
    const given = m[2] === undefined ? (m[3] as string) : m[2].replace(/\\(.)/g, '$1')
    if (!parameters.has(name)) parameters.set(name, given)
  }
  return { value, parameters }
}
