// Liveness and readiness, for load balancers and operators.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Problem } from '../../http/schemas.js'
import { sendProblem } from '../../plugins/errors.js'
import type { HealthService } from './service.js'
import { Status } from './schema.js'

export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, { health }) => {
  const common = { tags: ['health'], security: [] }
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { ...common, operationId: 'healthz', summary: '进程存活 Liveness', description: '进程在运行即返回 200。200 while the process runs.', response: { 200: Status } }
  }, async () => ({ status: 'ok' }))

  app.get('/readyz', {
    config: { access: 'public' },
    schema: {
      ...common,
      operationId: 'readyz',
      summary: '服务就绪 Readiness',
      description: '数据库可访问且迁移已全部执行时返回 200，否则 503。200 when the database answers and every migration is applied.',
      response: { 200: Status, 503: Problem }
    }
  }, async (_req, reply) => {
    const readiness = await health.readiness()
    return readiness === 'ready' ? { status: 'ready' } : sendProblem(reply, 'SERVICE_UNAVAILABLE', readiness)
  })
}
