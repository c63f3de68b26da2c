// The service's own HTML pages (/verify, /public): their Content-Security-Policy (nothing loads,
// only their one inline stylesheet applies, by its hash), how they are sent, and how they answer
// a refusal: always as a page for 429 (a QR scanner or an in-app browser may send no Accept, and
// the person holding the phone must still read when to try again), as a page for a browser
// (Accept text/html) otherwise, and as problem+json for every other client.
import { createHash } from 'node:crypto'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../errors.js'

/** Returns the policy for a page whose only style is `css`; `formAction` 'none' for a page
 *  without forms, 'self' for one whose forms come back to this service. */
export function inlineStylePageCsp (css: string, formAction: "'none'" | "'self'"): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'"
  ].join('; ')
}

/** Sends `html` uncached under the page's policy. */
export function sendHtmlPage (reply: FastifyReply, csp: string, status: number, html: string) {
  return reply.code(status).header('cache-control', 'no-store').header('content-security-policy', csp)
    .type('text/html; charset=utf-8').send(html)
}

/** An error handler for page routes: `render(status, retryAfterSeconds)` makes the page of a
 *  refusal (a failure is logged as `what` failed and shown as 503). */
export function htmlPageErrorHandler (csp: string, what: string, render: (status: number, retryAfter: number | undefined) => string) {
  return function (error: FastifyError | RegistryError, request: FastifyRequest, reply: FastifyReply) {
    const status = error instanceof RegistryError ? error.status : error.validation ? 400 : (error.statusCode ?? 500)
    if (status !== 429 && !/\btext\/html\b/i.test(request.headers.accept ?? '')) throw error
    if (status >= 500) request.log.error({ err: error }, `${what} failed`)
    return sendHtmlPage(reply, csp, status >= 500 ? 503 : status, render(status, Number(reply.getHeader('retry-after')) || undefined))
  }
}
