// Processes as src/process-identity.ts names them ("pid:starttime@boot#host" where /proc tells
// it), for tests that write what another process would have held.
import { readFileSync } from 'node:fs'

export const BOOT_ID = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()

/** When process `pid` started (field 22 of /proc/<pid>/stat, clock ticks since boot). */
export const startOf = (pid: number): string => { const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string }

/** A pid no process has right now. */
export function deadPid (): number {
  for (let pid = 4_000_000; pid > 1000; pid--) {
    try { process.kill(pid, 0) } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid }
  }
  throw new Error('no free pid found')
}
