// The audit hash chain, pure: each event's hash covers its fields and the hash before it, so
// editing, removing or reordering an event breaks every hash after it. It detects tampering
// by anyone who does not rewrite the whole chain; anchoring the head hash elsewhere (the
// nightly `audit verify` prints it) also catches a rewrite.
import { createHash } from 'node:crypto'

/** prev_hash of the first chained event. */
export const GENESIS = '0'.repeat(64)

/** The stored columns the hash covers, exactly as stored (text, so verify recomputes the same). */
export interface ChainedFields {
  readonly at: string
  readonly actor: string
  readonly role: string
  readonly requestId: string | null
  readonly entity: string
  readonly entityId: string
  readonly action: string
  readonly before: string | null
  readonly after: string | null
  readonly agencyId: number | null
  readonly priorAgencyId: number | null
}

/** sha256 (hex) over a canonical serialisation: a versioned JSON array in a fixed order. */
export function eventHash (f: ChainedFields, prevHash: string): string {
  const canonical = JSON.stringify([
    'audit-v1', f.at, f.actor, f.role, f.requestId, f.entity, f.entityId, f.action,
    f.before, f.after, f.agencyId, f.priorAgencyId, prevHash
  ])
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

export interface StoredEvent extends ChainedFields {
  readonly id: number
  readonly prevHash: string | null
  readonly hash: string | null
}

export type ChainVerdict =
  | { ok: true, events: number, unchained: number, head: string | null }
  | { ok: false, events: number, brokenAt: number, reason: string }

/** Walks the events in id order and returns the first break. Events written before the chain
 *  existed (hash null) are accepted only as a prefix. `lastAssignedId` is the highest id the
 *  database ever handed out (SQLite's sqlite_sequence, PostgreSQL's sequence), so removing the
 *  newest events shows too. */
export function verifyEvents (events: Iterable<StoredEvent>, lastAssignedId: number): ChainVerdict {
  const walk = chainWalk()
  for (const e of events) {
    const broken = walk.step(e)
    if (broken !== null) return broken
  }
  return walk.end(lastAssignedId)
}

/** The same over batches read one after another (a database too large to read at once). */
export async function verifyEventBatches (batches: AsyncIterable<readonly StoredEvent[]>, lastAssignedId: number): Promise<ChainVerdict> {
  const walk = chainWalk()
  for await (const batch of batches) {
    for (const e of batch) {
      const broken = walk.step(e)
      if (broken !== null) return broken
    }
  }
  return walk.end(lastAssignedId)
}

/** The walk itself, one event at a time: a break, or null to go on; then the verdict. */
function chainWalk () {
  let prev: string | null = null
  let prevId = 0
  let count = 0
  let unchained = 0
  return {
    step (e: StoredEvent): ChainVerdict | null {
      count++
      // A gap alone can be a failed insert; a gap the chain does not bridge is a deletion.
      const missing = e.id !== prevId + 1 ? prevId + 1 : null
      if (e.hash === null || e.prevHash === null) {
        if (prev !== null) return { ok: false, events: count, brokenAt: e.id, reason: 'event has no hash after the chain began' }
        unchained++
      } else {
        const expectedPrev = prev ?? GENESIS
        if (e.prevHash !== expectedPrev) {
          return missing !== null
            ? { ok: false, events: count, brokenAt: missing, reason: `event ${missing} is missing (deleted); event ${e.id} follows event ${prevId}` }
            : { ok: false, events: count, brokenAt: e.id, reason: `prev_hash does not match event ${prevId}` }
        }
        if (eventHash(e, e.prevHash) !== e.hash) return { ok: false, events: count, brokenAt: e.id, reason: 'content does not match its hash (edited)' }
        prev = e.hash
      }
      prevId = e.id
      return null
    },
    end (lastAssignedId: number): ChainVerdict {
      if (lastAssignedId > prevId) {
        return { ok: false, events: count, brokenAt: prevId + 1, reason: `events ${prevId + 1}–${lastAssignedId} are missing (deleted from the end)` }
      }
      return { ok: true, events: count, unchained, head: prev }
    }
  }
}
