// One delivery over HTTP, as Standard Webhooks has it: the CloudEvent's JSON as the body,
// signed (webhook-id, webhook-timestamp, webhook-signature); a 2xx within the timeout is
// delivered, anything else (another status, a redirect, no answer, a refused connection) failed.
import { signature } from '../../domain/webhooks.js'
import type { DeliveryOutcome } from './rows.js'

export interface Delivery {
  readonly url: string
  readonly msgId: string
  readonly secret: string
  readonly body: string
  /** Unix seconds, from the service's clock. */
  readonly timestamp: number
  readonly timeoutMs: number
  /** Aborted when the worker stops. */
  readonly stop: AbortSignal
}

/** Sends it; never throws: a failure is an outcome, its error said without the secret. */
export async function send (d: Delivery): Promise<DeliveryOutcome> {
  const started = performance.now()
  const durationMs = () => Math.round(performance.now() - started)
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.any([d.stop, AbortSignal.timeout(d.timeoutMs)]),
      headers: {
        'content-type': 'application/cloudevents+json',
        'user-agent': 'enforcement-officer-registry-webhooks/1',
        'webhook-id': d.msgId,
        'webhook-timestamp': String(d.timestamp),
        'webhook-signature': signature(d.secret, d.msgId, d.timestamp, d.body)
      },
      body: d.body
    })
    await res.body?.cancel().catch(() => {}) // the answer's body is not read
    const ok = res.status >= 200 && res.status < 300
    return { status: ok ? 'delivered' : 'failed', responseCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: durationMs() }
  } catch (err) {
    return { status: 'failed', responseCode: null, error: reason(err, d), durationMs: durationMs() }
  }
}

function reason (err: unknown, d: Delivery): string {
  if (d.stop.aborted) return 'the server stopped during the delivery / 投递时服务停止'
  const e = err as { name?: string, cause?: { code?: string, message?: string }, message?: string }
  if (e.name === 'TimeoutError') return `no answer within ${d.timeoutMs} ms / 超时未响应`
  return (e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed').slice(0, 200)
}
