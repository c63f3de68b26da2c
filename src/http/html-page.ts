// The Content-Security-Policy of the service's own HTML pages (/verify, /public): nothing loads,
// only their one inline stylesheet applies (by its hash), and forms go where the page says.
import { createHash } from 'node:crypto'

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
