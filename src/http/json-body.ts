// JSON request bodies are UTF-8 (RFC 8259). Fastify's own parser decodes whatever bytes come,
// putting U+FFFD where they are not UTF-8, and that would be stored; here they are refused (400
// naming the fields they fall in). Parsing stays Fastify's (prototype-poisoning checks, its
// errors for an empty or malformed body), and so does the body limit.
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance } from 'fastify'
import { RegistryError } from '../errors.js'

const NOT_UTF8 = 'not valid UTF-8 / 不是有效的 UTF-8 编码'
const MAX_NAMED = 20

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/** JSON pointers of the strings (names and values) holding U+FFFD, at most MAX_NAMED; walked
 *  without recursion, however deep the document. */
function damagedFields (root: unknown): string[] {
  const found: string[] = []
  const stack: Array<[unknown, string]> = [[root, '']]
  while (stack.length > 0 && found.length < MAX_NAMED) {
    const [value, pointer] = stack.pop() as [unknown, string]
    if (typeof value === 'string') {
      if (value.includes('\uFFFD')) found.push(pointer || '/')
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${pointer}/${i}`])
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value).reverse()) {
        const at = `${pointer}/${escapePointer(key)}`
        if (key.includes('\uFFFD')) found.push(at)
        stack.push([v, at])
      }
    }
  }
  return found
}

/** Replaces the application/json parser with one that refuses bytes that are not UTF-8. */
export function jsonBodies (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (isUtf8(body)) return parse(request, body as unknown as string, done) // it reads a Buffer as UTF-8 text
    // Decoded as Fastify would, to name the fields; a body that is not JSON either is refused
    // as malformed JSON, as before.
    return parse(request, body.toString('utf8'), (err, parsed) => {
      if (err) return done(err, undefined)
      const fields = damagedFields(parsed)
      const errors = (fields.length > 0 ? fields : ['/']).map((pointer) => ({ in: 'body', pointer, detail: NOT_UTF8 }))
      done(new RegistryError('VALIDATION_FAILED', `invalid body (not UTF-8): ${errors.map((e) => e.pointer).join(', ')}`, { errors }), undefined)
    })
  })
}
