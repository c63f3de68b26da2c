// The service as `npm start` runs it, plus public routes hidden from the document, B1's ceilings
// (same process, same plugins and hooks, same run): GET /bench/empty, which does nothing, and on
// PostgreSQL (DATABASE_URL set) GET /bench/bare-pg/:id, one bare pg point read of an officer.
// Started by bench/run.ts as a child process on 127.0.0.1; prints "LISTENING <url>" when ready
// and closes on SIGTERM.
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadConfig } from '../src/config.js'
import type { PgStore } from '../src/db/pg/store.js'
import { startServer } from '../src/server.js'
import { BENCH_ROUTES } from './engine.js'

const hidden = { config: { access: 'public' }, schema: { hide: true } } as const

/** The point read a bare client makes of an officer: the row, on a pool as large as the
 *  server's own (so neither waits for connections the other has). */
function barePgRoute (app: FastifyInstance, url: string): void {
  const pool = new pg.Pool({ connectionString: url, max: (app.store as PgStore).pool.options.max })
  app.addHook('onClose', async () => { await pool.end() })
  app.get<{ Params: { id: string } }>(`${BENCH_ROUTES.barePg}/:id`, hidden, async (req, reply) => {
    const { rows } = await pool.query('select * from officers where id = $1', [Number(req.params.id)])
    return rows[0] ?? reply.code(404).send({ error: 'no such officer' })
  })
}

const cfg = loadConfig(process.env)
if (!cfg.ok) {
  process.stderr.write(`bench server: ${cfg.errors.join('; ')}\n`)
  process.exit(2)
}
const { DATABASE_URL } = cfg.config
const server = await startServer(cfg.config, {}, (app) => {
  app.get(BENCH_ROUTES.empty, hidden, async () => ({ ok: true }))
  if (DATABASE_URL !== undefined) barePgRoute(app, DATABASE_URL)
})
process.stdout.write(`LISTENING ${server.url}\n`)
process.on('SIGTERM', () => { server.close().then(() => process.exit(0), () => process.exit(1)) })
