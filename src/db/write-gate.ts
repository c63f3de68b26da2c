// Who may write to the database from this process, and when. better-sqlite3 is synchronous: a
// write that finds the file locked waits in SQLite's busy handler, on the event loop's thread.
// A bulk write (an import applied as one transaction, taking turns with other requests: see
// SqliteStore.writeInTurns) holds the write lock across turns of the event loop, so a write
// started meanwhile from the same thread would wait for a lock that cannot be released until it
// gives up: it must not start. Hence this gate, in the manner of a readers-writer lock:
//  - every request that may write (a POST, PATCH, PUT or DELETE) holds a pass from when it
//    arrives until it is answered (plugins/write-gate.ts); any number may hold one at once, as
//    their writes are short synchronous transactions;
//  - a bulk write waits until no pass is held, then holds the gate shut until it commits or
//    rolls back; requests that arrive meanwhile wait at the gate (they are answered after it,
//    not refused); reads never pass the gate and go on reading the database as it stood.
// Waiting writers go first (a stream of requests cannot starve an import), in order of arrival.

/** Gives back what was taken; calling it again does nothing. */
export type Release = () => void

export interface WriteGate {
  /** A pass for one request that may write: resolves once no bulk write holds or awaits the gate. */
  enter (): Promise<Release>
  /** Runs `fn` with the gate shut: once every pass is given back and the bulk writes queued
   *  before have finished. The gate opens again when `fn` settles, whatever it did. */
  exclusive<T> (fn: () => Promise<T>): Promise<T>
  /** Passes held now, and bulk writes running or waiting (for tests and the log). */
  readonly state: () => { passes: number, bulk: number }
}

export function createWriteGate (): WriteGate {
  let passes = 0
  let shut = false
  const waitingBulk: Array<() => void> = []
  let waitingPasses: Array<() => void> = []

  function admit (): void {
    if (shut) return
    const next = waitingBulk[0]
    if (next !== undefined) {
      if (passes > 0) return // the bulk write goes in once the last pass is given back
      waitingBulk.shift()
      shut = true
      next()
      return
    }
    const admitted = waitingPasses
    waitingPasses = []
    for (const go of admitted) go()
  }

  function pass (): Release {
    passes++
    let given = false
    return () => {
      if (given) return
      given = true
      passes--
      admit()
    }
  }

  return {
    enter () {
      if (!shut && waitingBulk.length === 0) return Promise.resolve(pass())
      return new Promise<Release>((resolve) => { waitingPasses.push(() => resolve(pass())) })
    },
    async exclusive (fn) {
      await new Promise<void>((resolve) => {
        waitingBulk.push(resolve)
        admit()
      })
      try {
        return await fn()
      } finally {
        shut = false
        admit()
      }
    },
    state: () => ({ passes, bulk: waitingBulk.length + (shut ? 1 : 0) })
  }
}
