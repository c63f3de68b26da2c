// OpenAPI 3.1 at /openapi.json and Swagger UI at /docs, wired to the token endpoint so a clerk
// can press Authorize, log in and try every route from the page.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { DATE_COMPONENT } from '../http/schemas.js'
import { withComponents } from './openapi-components.js'

export const TAGS = [
  { name: 'auth', description: '认证与令牌 Authentication: tokens for clerks (password) and HR systems (client_credentials)' },
  { name: 'accounts', description: '账号管理（仅管理员）Accounts: users and machine clients, admin only' },
  { name: 'agencies', description: '执法主体 Enforcement bodies, yearly confirmations and the 5% legal-reviewer rule' },
  { name: 'officers', description: '行政执法人员 Officers: registration, lookup, departure and transfer' },
  { name: 'exams', description: '资格考试 Qualification exams and results' },
  { name: 'certificates', description: '行政执法证件 Enforcement certificates: issue, suspend, reinstate, revoke, cancel, recall' },
  { name: 'verify', description: '公众验证 Public verification of a certificate (no login)' },
  { name: 'public', description: '公示 The public register of confirmed agencies and the officers holding a live card (no login)' },
  { name: 'eligibility', description: '执法资格核验 May these officers act here now: a case system\'s check before a case step (role casework)' },
  { name: 'training', description: '培训学时 Training: courses, bulk attendances, external records and each officer\'s yearly 学时 (30 + 30)' },
  { name: 'reports', description: '报表 Reports: training compliance, training plans, staffing, certificates and the yearly statistics, as JSON, CSV or xlsx' },
  { name: 'assessments', description: '年度考核 Annual assessments' },
  { name: 'audit', description: '审计记录 Audit trail: every change, who, when, before and after; append-only and hash-chained' },
  { name: 'events', description: '变更事件流 Change feed: domain events as CloudEvents, polled with a cursor by systems that cannot receive webhooks' },
  { name: 'webhooks', description: '事件推送 Webhooks: the change feed pushed to subscribers, signed (Standard Webhooks), retried from a durable outbox' },
  { name: 'imports', description: '批量导入 Bulk imports from HR systems: JSON, NDJSON or CSV (UTF-8 or GBK), a result per row' },
  { name: 'health', description: '运行状态 Liveness and readiness' }
]

export const OPENAPI_INFO = {
  title: '行政执法人员登记系统 Enforcement Officer Registry API',
  version: '1.0.0',
  description: [
    '司法局行政执法主体、执法人员、资格考试、执法证件与培训学时的登记系统。',
    'The system of record of a justice bureau (司法局) for enforcement bodies, officers, exams, certificates and training.',
    '',
    '**如何使用 How to use:** 点击右侧 **Authorize**，在 password 一栏输入用户名和密码并登录；展开接口，点击 **Try it out**，按需修改示例（示例中的编号 0 和日期 YYYY-MM-DD 须替换为实际值），再点击 **Execute**。',
    'Press **Authorize** and sign in under *password* with your username and password; open an operation, press **Try it out**, edit the example (replace its placeholders: id 0 and dates YYYY-MM-DD) and press **Execute**.',
    '',
    '错误均以 `application/problem+json` 返回，`code` 为稳定错误码。Errors are RFC 9457 problem+json with a stable `code`.',
    '标有 `x-text` 的字段为自由文本：去除首尾空白；空白值、控制字符、零宽与文字方向控制字符、孤立代理项及 U+FFFD 均返回 400。' +
      'Fields marked `x-text` are free text: trimmed at both ends; a blank value, control, zero-width or bidi-control characters, a lone surrogate or U+FFFD are refused (400).',
    '列表分页：`?limit=`（默认 50，最大 500）与 `?cursor=`。Lists page with `?limit=` and `?cursor=`.'
  ].join('\n')
}

export default fp(async function openapiPlugin (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      tags: TAGS,
      components: {
        securitySchemes: {
          // Two schemes, not two flows of one: Swagger UI marks a whole scheme authorized, so
          // signing in as a clerk would show the client-credentials flow authorized too.
          password: {
            type: 'oauth2',
            description: '工作人员登录：填写用户名和密码（client_id、client_secret 留空）。Clerks: your username and password (leave client_id and client_secret empty).',
            flows: { password: { tokenUrl: '/v1/auth/token', scopes: {} } }
          },
          clientCredentials: {
            type: 'oauth2',
            description: '人事系统接入：填写 client_id 和 client_secret。HR systems: their client_id and client_secret.',
            flows: { clientCredentials: { tokenUrl: '/v1/auth/token', scopes: {} } }
          },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '已有令牌时直接粘贴。Paste a token you already have.' }
        }
      },
      security: [{ password: [] }, { clientCredentials: [] }, { bearer: [] }]
    },
    // Each operation says which roles may call it, so a clerk can tell from the page alone.
    transform: ({ schema, url, route }) => {
      const access = route.config?.access
      if (!schema || !access || access === 'public' || !schema.description) return { schema, url }
      return { schema: { ...schema, description: `${schema.description}\n\n**角色 Roles:** ${access.roles.join(', ')}` }, url }
    },
    transformObject: (document) => withComponents(('openapiObject' in document ? document.openapiObject : document.swaggerObject) as Record<string, unknown>, { Date: DATE_COMPONENT as unknown as Record<string, unknown> })
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      // No badge from validator.swagger.io: it would send the document's address to a third party.
      validatorUrl: null,
      docExpansion: 'list',
      deepLinking: true,
      persistAuthorization: true,
      displayRequestDuration: true,
      // Operations open as Swagger UI usually does: read first, then "Try it out" to edit and
      // Execute (opened in try-it-out mode, its red Cancel read as the way in and hid Execute).
      tryItOutEnabled: false
    },
    initOAuth: { usePkceWithAuthorizationCodeGrant: false }
  })
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger())
}, { name: 'openapi' })
