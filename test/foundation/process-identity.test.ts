// Who may let go of what a process held (an import job, an Idempotency-Key): only what a process
// known to be gone held. On a database file (SQLite) every holder is of this host, where another
// boot means gone; on a database server (PostgreSQL) a holder of another host, or another
// container of this one (another host name), cannot be asked and keeps what it holds.
import t from 'tap'
import { hostname } from 'node:os'
import { holderGone, processAlive, thisProcess } from '../../src/process-identity.js'
import { BOOT_ID as boot, deadPid, startOf } from '../processes.js'

t.test('this process is named by pid, start, boot and host name', async (t) => {
  t.equal(thisProcess(), `${process.pid}:${startOf(process.pid)}@${boot}#${hostname()}`)
  t.ok(processAlive(thisProcess()))
})

t.test('holderGone, on a file (SQLite) and on a server shared with other hosts (PostgreSQL)', async (t) => {
  const dead = deadPid()
  const parent = process.ppid
  const cases: Array<[string, string | null, boolean, boolean]> = [
    // why, holder, gone on a file, gone on a server
    ['no holder named: its lease decides', null, false, false],
    ['this process', thisProcess(), false, false],
    ['a live process of this host', `${parent}:${startOf(parent)}@${boot}#${hostname()}`, false, false],
    ['a dead process of this host', `${dead}:1@${boot}#${hostname()}`, true, true],
    ['a pid reused since: another start time', `${parent}:1@${boot}#${hostname()}`, true, true],
    ['another boot of this machine', `${parent}:${startOf(parent)}@another-boot#${hostname()}`, true, false],
    ['another host name (a container, a host) with a pid dead here', `${dead}:1@${boot}#another-host`, true, false],
    ['written before host names were kept', `${dead}:1@${boot}`, true, false]
  ]
  for (const [why, holder, onFile, onServer] of cases) {
    t.equal(holderGone(holder, false), onFile, `on a file: ${why}`)
    t.equal(holderGone(holder, true), onServer, `on a server: ${why}`)
  }
})
