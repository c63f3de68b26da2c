// Log settings: JSON lines with the request id; secrets and personal data never reach them.
import type { FastifyServerOptions } from 'fastify'
import { stdSerializers } from 'pino'
import sonicBoom, { type SonicBoom } from 'sonic-boom'
import { maskIdNumber, maskPhone } from './domain/identity.js'

// pino redaction paths: headers that carry credentials, and any body or object field that
// carries a password, secret or ID number, wherever it is logged.
export const REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  '*.password', '*.client_secret', '*.clientSecret', '*.idNumber', '*.id_number', '*.phone',
  'body.password', 'body.client_secret', 'body.idNumber'
]

// Query parameters whose value is never logged, whatever it looks like.
const SECRET_PARAM = /^(?:id_?number|id_?card|phone|mobile|password|client_secret|secret|token|access_token)$/i
// Anything shaped like an ID number (17 digits + check character), anywhere in a text.
const ID_NUMBER_SHAPE = /\d{17}[\dXx]/g
// A mainland mobile number standing alone (not part of a longer digit run such as a certificate
// number), with or without the country code (8613912345678, +86…, %2B86… in a URL).
const MOBILE_SHAPE = /(?<!\d)(?:86)?1[3-9]\d{9}(?!\d)/g

// A run of URL characters holding at least one percent-encoded byte (checked in the callback).
const URL_RUN = /(?:%[0-9A-Fa-f]{2}|[\w.~+-])+/g
const ENCODED_BYTE = /%([0-9A-Fa-f]{2})/g
// Percent-encoding nested deeper than this (%252531 is two levels) is not decoded further.
const MAX_DECODINGS = 4

/** Percent-decoded byte by byte, as often as it still holds an encoded byte (a double-encoded
 *  %2531 is 1), each byte one char: lenient where decodeURIComponent throws (bad UTF-8). */
function percentDecoded (s: string): string {
  for (let i = 0; i < MAX_DECODINGS && s.includes('%'); i++) {
    const decoded = s.replace(ENCODED_BYTE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    if (decoded === s) break
    s = decoded
  }
  return s
}

/** Bytes as decoded above, encoded again but for unreserved URL characters and the mask's '*'. */
function percentEncoded (s: string): string {
  return s.replace(/[^\w.~*-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

const maskShapes = (s: string): string => s.replace(ID_NUMBER_SHAPE, (m) => maskIdNumber(m)).replace(MOBILE_SHAPE, (m) => maskPhone(m))

/** Returns the text with ID-number-shaped runs and mobile numbers masked, also where they are
 *  percent-encoded (a URL: %31%31…, mixed, lowercase hex, double-encoded): such a run is
 *  decoded, masked and encoded again. */
export function scrubText (s: string): string {
  const decodedMasked = s.includes('%')
    ? s.replace(URL_RUN, (run) => {
      if (!run.includes('%')) return run
      const decoded = percentDecoded(run)
      const masked = maskShapes(decoded)
      return masked === decoded ? run : percentEncoded(masked)
    })
    : s
  return maskShapes(decodedMasked)
}

/**
 * Returns the URL as it may be logged. The API never takes personal data in a URL, but callers
 * make mistakes (an ID number typed into the public check, `?idNumber=` on a list): the request
 * line must not carry them into the log. Sensitive query parameters lose their value (their
 * name read percent-decoded); ID-number and mobile-number shapes anywhere in the path or query
 * are masked, percent-encoded or not.
 */
export function scrubUrl (url: string): string {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  if (q < 0) return scrubText(path)
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq < 0) return pair
    return SECRET_PARAM.test(percentDecoded(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=[redacted]` : pair
  }).join('&')
  return scrubText(`${path}?${query}`)
}

interface LoggedRequest {
  method: string
  url: string
  host?: string
  ip?: string
  socket?: { remotePort?: number | undefined } | null
}

export const serializers = {
  // Fastify's request serializer, with the URL scrubbed.
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: scrubUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort
  }),
  // An error's message, stack or any text it carries (a database error's detail, its cause) may
  // quote input (a URL, a value): every string in it is scrubbed. The values a failed query was
  // given (drizzle's DrizzleQueryError.params, and the line of its message that lists them: a
  // name, a phone) are left out.
  err: (err: Error) => scrubbedError(stdSerializers.err(err)) as ReturnType<typeof stdSerializers.err>
}

// The line in which drizzle's message repeats them.
const QUERY_PARAMS_LINE = /\nparams: [^\n]*/g

function scrubbedError (v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubText(v.replace(QUERY_PARAMS_LINE, ''))
  if (v === null || typeof v !== 'object' || depth > 5) return v
  if (Array.isArray(v)) return v.map((x) => scrubbedError(x, depth + 1))
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'params').map(([k, x]) => [k, scrubbedError(x, depth + 1)]))
}

let stdout: SonicBoom | undefined
const EXIT_FLUSH_RETRIES = 50 // × 100 ms

/**
 * Standard output as the log's destination, written asynchronously and flushed on exit, like
 * pino's default, except when whoever read it has gone (EPIPE: a closed pipe, a killed `| tee`).
 * pino's default retries a failed write forever while flushing on exit, so a server whose
 * reader went away never ended, even on SIGTERM. Here the log is dropped instead and the
 * process ends; a reader that is there but stopped reading is waited for 5 s at exit, not
 * for ever. One per process (each would add an exit listener).
 */
function stdoutDestination (): SonicBoom {
  if (stdout) return stdout
  let broken = false
  let exitRetries = -1 // counted once exiting
  const dest = new sonicBoom.SonicBoom({ fd: 1, sync: false, retryEAGAIN: () => exitRetries < 0 || ++exitRetries <= EXIT_FLUSH_RETRIES })
  dest.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
    broken = true
  })
  const write = dest.write.bind(dest)
  dest.write = (chunk: string) => broken || write(chunk)
  process.on('exit', () => {
    if (broken) return
    // A reader still there but not reading (EAGAIN) is waited for at most EXIT_FLUSH_RETRIES
    // × 100 ms; while running, a slow reader only makes lines wait in memory.
    exitRetries = 0
    try { dest.flushSync() } catch { /* the reader has gone or stalled: nothing more can be told */ }
  })
  stdout = dest
  return dest
}

export function loggerOptions (level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers,
    stream: stream ?? stdoutDestination()
  }
}
