// POST /v1/auth/token: OAuth2-style token endpoint (password and client_credentials grants),
// JSON or form-encoded (Swagger UI's Authorize dialog sends a form).
import formbody from '@fastify/formbody'
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { fail } from '../../errors.js'
import { Body, StringEnum, problems } from '../../http/schemas.js'
import type { TokenService } from '../../security/tokens.js'
import type { AccountsService } from '../accounts/service.js'

const Secret = Type.String({ minLength: 1, maxLength: 256 })

/** client_id and client_secret from HTTP Basic (client_secret_basic), when sent that way; null
 *  when absent or malformed (a bad percent-encoding too: wrong credentials, not a fault of ours). */
function basicCredentials (header: string | undefined): { id: string, secret: string } | null {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null
  if (!m?.[1]) return null
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return null
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) }
  } catch {
    return null
  }
}

export const authRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService, tokens: TokenService }> = async (app, { accounts, tokens }) => {
  // Forms are taken here only (this plugin's own context): elsewhere a form body, as curl -d
  // sends unless told otherwise, is 415 saying to send JSON, not a list of unknown fields.
  await app.register(formbody)
  app.post('/v1/auth/token', {
    config: { access: 'public', oauthErrors: true },
    schema: {
      tags: ['auth'],
      operationId: 'issueToken',
      summary: '获取访问令牌 Get an access token',
      description: '工作人员用 grant_type=password（用户名、密码）登录；人事系统用 grant_type=client_credentials（client_id、client_secret，或 HTTP Basic）。' +
        'Clerks use the password grant; HR systems use client_credentials. Send JSON or a form. The token is short-lived: ask again when it expires.',
      security: [],
      consumes: ['application/json', 'application/x-www-form-urlencoded'],
      body: Body({
        grant_type: StringEnum(['password', 'client_credentials'] as const, { description: 'password 工作人员 | client_credentials 接入系统' }),
        username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        password: Type.Optional(Secret),
        client_id: Type.Optional(Type.String({ maxLength: 128 })),
        client_secret: Type.Optional(Type.String({ maxLength: 256 })),
        scope: Type.Optional(Type.String({ maxLength: 256, description: 'ignored; scope comes from the account / 忽略' }))
      }),
      response: {
        200: Type.Object({
          access_token: Type.String(),
          token_type: Type.Literal('Bearer'),
          expires_in: Type.Integer({ description: 'seconds / 有效秒数' })
        }),
        ...problems()
      }
    }
  }, async (req, reply) => {
    const b = req.body
    let principal
    if (b.grant_type === 'password') {
      if (!b.username || !b.password) fail('INVALID_GRANT', '请填写用户名和密码 / the password grant needs username and password')
      principal = await accounts.authenticateUser(b.username, b.password)
    } else {
      const basic = basicCredentials(req.headers.authorization)
      const id = b.client_id || basic?.id
      const secret = b.client_secret || basic?.secret
      if (!id || !secret) fail('INVALID_GRANT', '请填写 client_id 和 client_secret / the client_credentials grant needs client_id and client_secret')
      principal = await accounts.authenticateClient(id, secret)
    }
    const { token, expiresIn } = await tokens.issue(principal, b.grant_type === 'password' ? 'user' : 'client')
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
    return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn }
  })

  app.get('/.well-known/jwks.json', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      operationId: 'getJwks',
      summary: '令牌公钥 Token verification keys',
      security: [],
      description: '本服务签发令牌所用的公钥（JWKS），供下游系统验证。The public key that verifies this service\'s tokens.',
      response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) }
    }
  }, async () => tokens.jwks)
}
