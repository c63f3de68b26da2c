// Child process of logs.test.ts: the app's logger writing to a standard output nobody reads any
// more, then exiting the way the server does on SIGTERM (process.exit with lines still queued).
//   gone:         the reader closed the pipe; a line is logged (its write fails with EPIPE),
//                 then after a pause more lines, then the exit
//   gone-at-exit: the reader closed the pipe; lines are logged and the process exits at once,
//                 before any failed write is reported (pino's default retried this for ever)
//   stalled:      the reader is there but never reads; far more is logged than the pipe holds
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import { loggerOptions } from '../../src/logging.js'

const app = Fastify({ logger: loggerOptions('info') })
const line = 'closing: finishing in-flight requests'
process.stdin.once('data', async () => {
  if (process.argv[2] === 'stalled') {
    for (let i = 0; i < 5000; i++) app.log.info({ i, padding: 'x'.repeat(100) }, line)
  } else if (process.argv[2] === 'gone-at-exit') {
    for (let i = 0; i < 200; i++) app.log.info({ i }, line)
  } else {
    app.log.info(line)
    await sleep(300) // the failed write is reported meanwhile
    for (let i = 0; i < 200; i++) app.log.info({ i }, line)
  }
  process.exit(0)
})
process.stderr.write('READY\n')
