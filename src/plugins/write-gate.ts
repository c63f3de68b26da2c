// Every request that may write holds a pass of the store's write gate (db/write-gate.ts) while
// its handler and hooks can write, so no synchronous write of ours can meet the write lock an
// import applying in turns holds (it would wait on the event loop's own thread). Reads (GET,
// HEAD, OPTIONS) take none and are never held up.
// The pass is taken in preHandler: after the token is checked and the body is in (a client that
// goes away while sending never holds one, and one sending slowly holds none meanwhile), and
// before any other plugin's preHandler (this plugin is registered first: the Idempotency-Key's
// reservation is a write). It is given back once nothing of the request can write any more:
// after onResponse (a turn later, so that the hooks of other plugins after this one's, the
// stored idempotent answer, have run), or, when the client went away before its answer was ready
// (Fastify then runs the handler and onSend but no onResponse), after onSend.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Release, WriteGate } from '../db/write-gate.js'

/** A request's pass. `aside` gives it back while `fn` runs (an import's bulk write needs the
 *  gate shut, and would otherwise wait for its own request), then takes a new one. */
export interface WritePass {
  aside<T> (fn: () => Promise<T>): Promise<T>
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every request that may write (not GET, HEAD, OPTIONS). */
    writePass: WritePass | null
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

export default fp(async function writeGatePlugin (app: FastifyInstance, { gate }: { gate: WriteGate }) {
  app.decorateRequest('writePass', null)
  const releases = new WeakMap<object, Release>()
  const giveBack = (request: object) => {
    releases.get(request)?.()
    releases.delete(request)
  }

  const handled = new WeakSet<object>()
  // A turn later: the hooks registered after this plugin's (idempotency's) run within this one.
  const giveBackLater = (request: object) => { setImmediate(() => giveBack(request)) }

  app.addHook('preHandler', async (request, reply) => {
    if (READS.has(request.method)) return
    releases.set(request, await gate.enter())
    request.writePass = {
      async aside (fn) {
        giveBack(request)
        try {
          return await fn()
        } finally {
          releases.set(request, await gate.enter())
        }
      }
    }
    // The connection closed after onSend without a 'finish' (the answer cut off): no onResponse comes.
    reply.raw.once('close', () => { if (handled.has(request)) giveBackLater(request) })
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (releases.has(request)) {
      handled.add(request)
      if (reply.raw.destroyed) giveBackLater(request) // the client went before its answer was ready
    }
    return payload
  })

  app.addHook('onResponse', async (request) => { giveBackLater(request) })
}, { name: 'write-gate', dependencies: ['auth'] })
