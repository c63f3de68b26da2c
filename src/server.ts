// The process: reads the environment (the only place that does), builds the app, creates the
// first admin, listens, and closes gracefully on SIGTERM/SIGINT: stop accepting, let in-flight
// requests finish, close the database.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import { loadConfig, type Config } from './config.js'

export interface RunningServer {
  readonly app: FastifyInstance
  readonly url: string
  close (): Promise<void>
}

/** Builds, bootstraps and starts listening. Used by main() and by tests (which may add
 *  routes in `prepare`, before the server starts). */
export async function startServer (config: Config, deps: AppDeps = {}, prepare?: (app: FastifyInstance) => void): Promise<RunningServer> {
  const app = await buildApp(config, deps)
  prepare?.(app)
  const admin = await app.services.accounts.ensureAdmin(config.REGISTRY_ADMIN_USER, config.REGISTRY_ADMIN_PASSWORD)
  if (admin.created) app.log.info({ username: config.REGISTRY_ADMIN_USER }, 'first admin account created')
  if (admin.generatedPassword) {
    // Printed once, on the terminal only, never into the JSON log.
    process.stderr.write(`\nFirst start: created admin "${config.REGISTRY_ADMIN_USER}" with password ${admin.generatedPassword}\n` +
      'Store it now; it is not shown again. / 首次启动已创建管理员账号，请立即保存此密码。\n\n')
  }
  const url = await app.listen({ port: config.PORT, host: config.HOST })
  return { app, url, close: () => app.close() }
}

async function main (): Promise<void> {
  const result = loadConfig(process.env)
  if (!result.ok) {
    process.stderr.write(`Invalid configuration / 配置错误:\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`)
    process.exit(2)
  }
  const server = await startServer(result.config)
  closeWithGrace({ delay: result.config.REQUEST_TIMEOUT_MS + 5000 }, async ({ signal, err }) => {
    if (err) server.app.log.error({ err }, 'closing after an error')
    else server.app.log.info({ signal }, 'closing: finishing in-flight requests')
    await server.close()
  })
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : ''
if (import.meta.url === entry) {
  main().catch((err: unknown) => {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
