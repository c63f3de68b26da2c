// Which process holds something (an import job, an idempotency key) that a crash would leave
// held: after a restart, what a process that is gone held can be let go at once, while what a
// live process holds (a second server, the CLI on the same file) is left alone.
// A process is named by its pid and, where Linux's /proc tells it, the moment it started (field
// 22 of /proc/<pid>/stat, in clock ticks since boot) and the boot it started in: a pid is
// reused after a restart (in a container the server is often pid 1 every time), the pair is not.
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

/** "pid:starttime@boot#host" where /proc answers, "pid" elsewhere. */
export type ProcessName = string

function startOf (pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] // field 22 of the line, the 20th after the name
  } catch {
    return undefined
  }
}

function bootId (): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return ''
  }
}

let mine: ProcessName | undefined

/** This process's name. */
export function thisProcess (): ProcessName {
  if (mine !== undefined) return mine
  const start = startOf(process.pid)
  return (mine = start === undefined ? String(process.pid) : `${process.pid}:${start}@${bootId()}#${hostname()}`)
}

/** Whether the process named `holder` is known to be gone, so that what it held can be let go.
 *  A database file is shared by processes of this host only, where another boot means gone. A
 *  database server (`otherHosts`: PostgreSQL) is shared by processes of other hosts too, or of
 *  other containers on this one, whose processes this one cannot see: only a holder of this
 *  boot and this host name is known gone; any other keeps what it holds until its lease ends. */
export function holderGone (holder: string | null, otherHosts: boolean): boolean {
  if (holder === null || holder === thisProcess()) return false
  const place = /@([^#]*)#(.*)$/.exec(holder)
  if (otherHosts && (place === null || place[1] !== bootId() || place[2] !== hostname())) return false
  return !processAlive(holder)
}

/** Whether the process so named is still running (on this host: the database is a local file). */
export function processAlive (name: string): boolean {
  const m = /^(\d+)(?::(\d+)@([^#]*)(?:#.*)?)?$/.exec(name)
  if (!m) return false
  const pid = Number(m[1])
  if (m[2] !== undefined) {
    if (m[3] !== bootId()) return false // started before the machine last booted
    return startOf(pid) === m[2]
  }
  try {
    process.kill(pid, 0) // no signal sent: only whether the pid exists
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // it exists, owned by someone else
  }
}
