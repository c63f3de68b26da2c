// HTTP load with autocannon: requests per second over a run, and per 100 ms, so a figure can be
// taken for the window in which something else (the nightly command) was running.
import autocannon from 'autocannon'

export interface LoadResult {
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly non2xx: number
  readonly errors: number
  /** Requests answered in each 100 ms slot since the start (performance.now() based). */
  readonly slots: number[]
  readonly startedAt: number
}

export interface LoadOptions {
  readonly url: string
  readonly paths: readonly string[]
  readonly headers?: Record<string, string>
  readonly connections?: number
  readonly seconds: number
}

export async function load (o: LoadOptions): Promise<LoadResult> {
  let i = 0
  const slots: number[] = []
  const startedAt = performance.now()
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: o.url,
      connections: o.connections ?? 50,
      duration: o.seconds,
      headers: o.headers ?? {},
      requests: [{ setupRequest: (req) => ({ ...req, path: o.paths[i++ % o.paths.length] as string }) }]
    }, (err, r) => {
      if (err) { reject(err); return }
      resolve({ rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, slots, startedAt })
    })
    instance.on('response', () => {
      const slot = Math.floor((performance.now() - startedAt) / 100)
      slots[slot] = (slots[slot] ?? 0) + 1
    })
  })
}

/** Requests per second answered between two performance.now() instants of a run. */
export function rateBetween (r: LoadResult, from: number, to: number): number {
  const a = Math.max(0, Math.floor((from - r.startedAt) / 100))
  const b = Math.max(a + 1, Math.floor((to - r.startedAt) / 100))
  let n = 0
  for (let s = a; s < b; s++) n += r.slots[s] ?? 0
  return n / ((b - a) / 10)
}
