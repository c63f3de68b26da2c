// Whether the database may have changed: a number per connection that moves on whenever a
// write has been committed since it was last asked, by this connection or by any other (another
// process: the CLI, the seed, a second server on the same file). What is kept in memory from the
// database (db/sqlite/read-cache: officers read by id, the account versions tokens are checked against) is valid while it
// stands still. It is asked on every use, so it must cost far less than the reads it saves:
//  - this connection's writes: SQLite's total_changes(), the rows it has inserted, updated or
//    deleted (through store.write or not); the statement does no I/O. A store whose reader is a
//    connection of its own adds its writer's total_changes() (ownCommits), so a request that
//    wrote then reads never meets an answer kept from before its write.
//  - other connections' commits: the header of the WAL index (the database's "-shm" file, which
//    every connection to a WAL database maps and which SQLite rewrites at each commit: frame
//    count, change counter, checksums), read with one pread. Its format is that of SQLite's
//    unix VFS since 3.7.0 (https://www.sqlite.org/walformat.html), shared by every SQLite
//    version that opens the file at the same time, so it does not move; still, unless its
//    version field reads 3007000 the watch asks PRAGMA data_version instead, a read
//    transaction (two to four fcntl locks) and several times the cost under load. A header
//    being rewritten while it is read differs from the one seen before, which counts as a change
//    (the safe side); one that reads as before has not committed anything visible yet.
//  - a database in memory has no other connection: total_changes() alone.
// Other connections' commits are looked at once per request: a request must be answered from
// the database as it stood at some moment after it arrived (then it sees every commit whose
// writer had finished before the request was sent: the CLI's, another server's answer to the
// same client). So when a request begins (Arrivals.begins, called by the server's first hook) the
// next ask looks again; the look then stands for every read until the next request begins,
// since all requests still in flight arrived before it, but no longer than LOOK_STANDS_MS
// (code that answers no request, a timer, gets a look at most that old). One request (the
// token's account, then the officer) costs one look, not one per read: a system call costs
// several microseconds on a loaded machine, a tenth of an empty route.
// Requests that arrive together share one look too: a signed-in request (its token is checked
// against the account, kept) goes on only once the event loop has taken in every request that
// came with it (afterArrivals, called by the auth plugin: the check phase after the poll phase
// that read them). Under load one look then usually serves the dozen or so requests that
// arrived in one turn; one that goes on later (after an await, or past LOOK_STANDS_MS) looks
// again, which only costs a look.
import { closeSync, openSync, readSync } from 'node:fs'
import { endianness } from 'node:os'
import type Database from 'better-sqlite3'
import type { Arrivals } from '../arrivals.js'

/** The WAL-index header: two copies of 48 bytes, the second written first. */
const HEADER_BYTES = 96
const WAL_INDEX_VERSION = 3007000
const LOOK_STANDS_MS = 1

export interface ChangeWatch {
  /** A number that is different from the last one returned whenever a write was committed in between. */
  generation (): number
  /** How other connections' commits are seen. */
  readonly via: 'wal-index' | 'data_version' | 'memory'
  /** How many looks at other connections' commits were taken: a pread of the header or a PRAGMA data_version each (for a database in memory, counted but nothing to read). */
  looks (): number
  close (): void
}

interface OthersCommits {
  /** A count that moves on when another connection commits (not exact: it may move without one). */
  seen (): number
  readonly via: ChangeWatch['via']
  close (): void
}

/** `requests`: the store's (a request begun makes the next ask look again); `lookStandsMs`: how
 *  long a look stands at most (LOOK_STANDS_MS; tests set their own); `ownCommits`: a count that
 *  moves on with every change of the store's other connection in this process (its writer, when
 *  `sqlite` is its reader), seen at once rather than at the next look. */
export function watchChanges (sqlite: Database.Database, requests: Arrivals, lookStandsMs = LOOK_STANDS_MS, ownCommits: () => number = () => 0): ChangeWatch {
  const totalChanges = sqlite.prepare('select total_changes()').pluck()
  const others = othersCommits(sqlite)
  // What others had committed, looked at once per request (see the top of the file).
  let committedNow = 0
  let lookedFor = -1
  let lookedAt = -Infinity
  let looks = 0
  const othersCommitted = () => {
    const now = performance.now()
    const begun = requests.begun()
    if (lookedFor !== begun || now - lookedAt >= lookStandsMs) {
      committedNow = others.seen()
      looks++
      lookedFor = begun
      lookedAt = now
    }
    return committedNow
  }
  let generation = 0
  let changesSeen = -1
  let othersSeen = -1
  return {
    generation () {
      const changes = (totalChanges.get() as number) + ownCommits()
      const committed = othersCommitted()
      if (changes !== changesSeen || committed !== othersSeen) {
        generation++
        changesSeen = changes
        othersSeen = committed
      }
      return generation
    },
    via: others.via,
    looks: () => looks,
    close: others.close
  }
}

function othersCommits (sqlite: Database.Database): OthersCommits {
  if (sqlite.memory) return { seen: () => 0, via: 'memory', close: () => {} }
  const header = walIndexHeader(sqlite)
  if (header) return header
  const dataVersion = sqlite.prepare('pragma data_version').pluck()
  return { seen: () => dataVersion.get() as number, via: 'data_version', close: () => {} }
}

/** The WAL-index header watched through its file; undefined when there is no such file or it is
 *  not the format described above (then data_version is asked). */
function walIndexHeader (sqlite: Database.Database): OthersCommits | undefined {
  // The file SQLite opened: a symlink's target (its "-shm" lies beside the target, not the link).
  const main = (sqlite.pragma('database_list') as Array<{ name: string, file: string }>).find((d) => d.name === 'main')?.file
  if (!main) return undefined
  let fd: number
  try {
    fd = openSync(`${main}-shm`, 'r')
  } catch {
    return undefined
  }
  const read = Buffer.alloc(HEADER_BYTES)
  const last = Buffer.alloc(HEADER_BYTES)
  const readVersion = endianness() === 'LE' ? () => read.readUInt32LE(0) : () => read.readUInt32BE(0)
  if (readSync(fd, read, 0, HEADER_BYTES, 0) !== HEADER_BYTES || readVersion() !== WAL_INDEX_VERSION) {
    closeSync(fd)
    return undefined
  }
  read.copy(last)
  let count = 0
  return {
    seen () {
      if (readSync(fd, read, 0, HEADER_BYTES, 0) !== HEADER_BYTES || !read.equals(last)) {
        count++
        read.copy(last)
      }
      return count
    },
    via: 'wal-index',
    close: () => {
      if (fd < 0) return
      closeSync(fd)
      fd = -1
    }
  }
}
