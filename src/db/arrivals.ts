// When requests begin and go on together: what the change watch of a store (db/sqlite/changes)
// counts to know when to look again at other processes' commits, and how the auth plugin lets
// the requests that arrived in one turn go on together. Not tied to an engine.

/** When requests begin and go on: one per store (two apps in one process share nothing). */
export interface Arrivals {
  /** A request has begun: the next ask of every watch of the store looks at other connections'
   *  commits again. */
  begins (): void
  /** How many requests have begun (a watch compares it with the count at its last look). */
  begun (): number
  /** Runs `go` once this turn of the event loop has taken in every request that arrived with the
   *  caller's (the next check phase: setImmediate), together with theirs and in order of arrival.
   *  Nothing arrives while they run: the first ask looks, and the look stands for the rest.
   *  `go` must not throw: it runs outside the caller's error handling (Fastify's hooks catch what
   *  a hook throws; nothing catches here), so it answers its own failures (the auth plugin hands
   *  them to its request). One that throws anyway is a defect: the others still go on and its
   *  error becomes a process warning, never an uncaught exception (which would stop the server). */
  afterArrivals (go: () => void): void
}

export function createArrivals (): Arrivals {
  let requestsBegun = 0
  let arrived: Array<() => void> = []
  const admitArrived = (): void => {
    const batch = arrived
    arrived = []
    for (const go of batch) {
      try {
        go()
      } catch (error) {
        process.emitWarning(error instanceof Error ? error : `afterArrivals: a continuation threw ${String(error)}`)
      }
    }
  }
  return {
    begins: () => { requestsBegun++ },
    begun: () => requestsBegun,
    afterArrivals: (go) => { if (arrived.push(go) === 1) setImmediate(admitArrived) }
  }
}
