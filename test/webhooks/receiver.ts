// A webhook receiver for tests: an HTTP server on 127.0.0.1 that checks every delivery's
// signature with the Standard Webhooks reference algorithm written out here (not the service's
// code): HMAC-SHA256 keyed with the base64 after `whsec_`, over `${id}.${timestamp}.${body}`,
// compared in constant time, the timestamp within five minutes of `now()`.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'

export interface Received {
  readonly id: string
  readonly timestamp: number
  readonly signature: string
  readonly contentType: string
  readonly body: string
  readonly event: { id: string, type: string, subject: string, agencyid: number, data: Record<string, unknown> }
  /** What the receiver answered. */
  readonly status: number
  readonly verified: boolean
}

const TOLERANCE_SECONDS = 5 * 60

/** Whether the headers prove `body` was sent by the holder of `secret` around `nowSeconds`. */
export function verifyReference (secret: string, headers: { id: string, timestamp: string, signature: string }, body: string, nowSeconds: number): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const timestamp = Number(headers.timestamp)
  if (!/^\d+$/.test(headers.timestamp) || Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false
  const expected = createHmac('sha256', key).update(`${headers.id}.${headers.timestamp}.${body}`).digest()
  return headers.signature.split(' ').some((versioned) => {
    const [version, sig] = versioned.split(',')
    if (version !== 'v1' || sig === undefined) return false
    const given = Buffer.from(sig, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

export interface Receiver {
  readonly url: string
  readonly port: number
  /** Every request, in arrival order (refused ones included). */
  readonly received: Received[]
  /** The secret to check with (set once the subscription is made). */
  secret: string
  /** The answer's status for the next request (default 204). */
  answer: (r: Omit<Received, 'status'>) => number
  /** How long it takes to answer, in ms (default 0). */
  delayMs: number
  close (): Promise<void>
}

/** Starts a receiver on 127.0.0.1 (`port` 0: any free one); `now` gives the time its tolerance
 *  is judged against (the service's clock). */
export async function startReceiver (now: () => number = Date.now, port = 0): Promise<Receiver> {
  const received: Received[] = []
  const r: { secret: string, answer: Receiver['answer'], delayMs: number } = { secret: '', answer: () => 204, delayMs: 0 }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const h = { id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) }
      const verified = verifyReference(r.secret, h, body, Math.floor(now() / 1000))
      const seen = { id: h.id, timestamp: Number(h.timestamp), signature: h.signature, contentType: String(req.headers['content-type']), body, event: JSON.parse(body), verified }
      const status = verified ? r.answer(seen) : 401
      setTimeout(() => {
        received.push({ ...seen, status })
        res.writeHead(status).end()
      }, r.delayMs)
    })
  })
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()) })
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : 0
  return Object.assign(r, {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    received,
    close: async () => { server.closeAllConnections(); await new Promise<void>((resolve) => server.close(() => resolve())) }
  }) as Receiver
}
