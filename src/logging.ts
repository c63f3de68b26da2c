// Log settings: JSON lines with the request id; secrets and personal data never reach them.
import type { FastifyServerOptions } from 'fastify'

// pino redaction paths: headers that carry credentials, and any body or object field that
// carries a password, secret or ID number, wherever it is logged.
export const REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  '*.password', '*.client_secret', '*.clientSecret', '*.idNumber', '*.id_number', '*.phone',
  'body.password', 'body.client_secret', 'body.idNumber'
]

export function loggerOptions (level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    ...(stream ? { stream } : {})
  }
}
