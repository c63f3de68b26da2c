// The service as `npm start` runs it, plus one public route that does nothing: GET /bench/empty,
// the ceiling B1 is measured against (same process, same plugins and hooks, same run). Started
// by bench/run.ts as a child process on 127.0.0.1; prints "LISTENING <url>" when ready and
// closes on SIGTERM.
import { loadConfig } from '../src/config.js'
import { startServer } from '../src/server.js'

const cfg = loadConfig(process.env)
if (!cfg.ok) {
  process.stderr.write(`bench server: ${cfg.errors.join('; ')}\n`)
  process.exit(2)
}
const server = await startServer(cfg.config, {}, (app) => {
  app.get('/bench/empty', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ ok: true }))
})
process.stdout.write(`LISTENING ${server.url}\n`)
process.on('SIGTERM', () => { server.close().then(() => process.exit(0), () => process.exit(1)) })
