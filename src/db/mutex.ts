// One holder at a time, in order of arrival: what keeps a connection to one transaction at a time
// when the transaction's work awaits (db/sqlite/store: the writer's BEGIN IMMEDIATE … COMMIT, the
// reader's BEGIN … COMMIT).

export interface Mutex {
  /** Runs `fn` once every holder before it has finished; the next one goes in when it settles,
   *  whatever it did. Not reentrant: `fn` calling lock() of the same mutex waits forever. */
  lock<T> (fn: () => Promise<T>): Promise<T>
  /** Whether a holder is running now (tests and the log). */
  readonly held: boolean
}

export function createMutex (): Mutex {
  let held = false
  const waiting: Array<() => void> = []
  const release = (): void => {
    const next = waiting.shift()
    if (next === undefined) held = false
    else next() // held passes to the next one
  }
  return {
    get held () { return held },
    async lock<T> (fn: () => Promise<T>): Promise<T> {
      if (held) await new Promise<void>((resolve) => { waiting.push(resolve) })
      else held = true
      try {
        return await fn()
      } finally {
        release()
      }
    }
  }
}
