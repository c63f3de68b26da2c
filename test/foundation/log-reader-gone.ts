// Child process of logs.test.ts: the app's logger writing after whoever read its standard output
// has gone, then exiting the way the server does on SIGTERM (process.exit with lines still queued).
import Fastify from 'fastify'
import { loggerOptions } from '../../src/logging.js'

const app = Fastify({ logger: loggerOptions('info') })
process.stdin.once('data', () => {
  for (let i = 0; i < 200; i++) app.log.info({ i }, 'closing: finishing in-flight requests')
  process.exit(0)
})
process.stderr.write('READY\n')
