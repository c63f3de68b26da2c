// One place turns every failure into application/problem+json (RFC 9457): business rules,
// validation, auth, unknown routes, framework errors and crashes. 5xx details go to the log
// only; the body carries the request id so a clerk can quote it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ErrorObject } from 'ajv'
import { ERRORS, RegistryError, type ErrorCode } from '../errors.js'
import { fieldErrors as describe } from '../http/validation-messages.js'

export const PROBLEM_TYPE = 'application/problem+json'

interface FieldError { in: string, pointer: string, detail: string }

/** The body of a problem answer. */
export function problemBody (code: ErrorCode, request: FastifyRequest, detail?: string, extra: Record<string, unknown> = {}) {
  const spec = ERRORS[code]
  return {
    type: `urn:enforcement-registry:problem:${code}`,
    title: spec.title,
    status: spec.status,
    detail: detail ?? spec.title,
    instance: request.url.split('?')[0],
    code,
    requestId: String(request.id),
    ...extra
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An OAuth2 token endpoint: its errors also carry RFC 6749 §5.2's error and error_description. */
    oauthErrors?: boolean
  }
}

// RFC 6749 §5.2: the error codes of a token endpoint. Swagger UI's Authorize dialog shows
// error and error_description; the problem+json members stay for everyone else.
const OAUTH_ERRORS: Partial<Record<ErrorCode, string>> = {
  INVALID_GRANT: 'invalid_grant',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  VALIDATION_FAILED: 'invalid_request',
  BAD_REQUEST: 'invalid_request',
  UNSUPPORTED_MEDIA_TYPE: 'invalid_request',
  PAYLOAD_TOO_LARGE: 'invalid_request',
  RATE_LIMITED: 'invalid_request'
}

function oauthMembers (code: ErrorCode, detail: string, extra: Record<string, unknown> | undefined): Record<string, string> {
  const fields = (extra?.errors as FieldError[] | undefined) ?? []
  const grantType = fields.find((e) => e.pointer === '/grant_type')
  if (grantType) return { error: 'unsupported_grant_type', error_description: grantType.detail }
  return { error: OAUTH_ERRORS[code] ?? 'server_error', error_description: fields.length > 0 ? fields.map((e) => e.detail).join('; ') : detail }
}

export function sendProblem (reply: FastifyReply, code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
  const oauth = reply.request.routeOptions.config?.oauthErrors === true
  const body = problemBody(code, reply.request, detail, oauth ? { ...extra, ...oauthMembers(code, detail ?? ERRORS[code].title, extra) } : extra)
  if (body.status === 401) reply.header('www-authenticate', `Bearer realm="registry", error="invalid_token", error_description="${code}"`)
  return reply.code(body.status).type(PROBLEM_TYPE).send(body)
}

// Fastify's own error codes that are the client's fault, mapped to ours.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST'
}

function fieldErrors (error: Pick<FastifyError, 'validation' | 'validationContext'>): FieldError[] {
  const where = error.validationContext ?? 'body'
  return describe((error.validation ?? []) as ErrorObject[]).map((e) => ({ in: where, ...e }))
}

// Fastify validates a request's parts in this order and stops at the first that fails.
const PARTS = ['params', 'body', 'querystring', 'headers'] as const
type Validator = ((data: unknown) => boolean) & { errors?: FastifyError['validation'] | null }

/** The errors of the parts Fastify did not validate after the one that failed, so that a
 *  request with a bad path and a bad body hears of both (every bad field, API.md). */
function laterPartErrors (request: FastifyRequest, failed: string | undefined): FieldError[] {
  const errors: FieldError[] = []
  for (const part of PARTS.slice(PARTS.indexOf(failed as typeof PARTS[number]) + 1)) {
    let validate = request.getValidationFunction(part) as Validator | Record<string, Validator> | undefined
    if (part === 'body' && validate !== undefined && typeof validate !== 'function') validate = request.mediaType ? validate[request.mediaType] : undefined
    if (typeof validate !== 'function') continue
    const data = part === 'querystring' ? request.query : request[part]
    if (!validate(data ?? null)) errors.push(...fieldErrors({ validation: validate.errors ?? [], validationContext: part }))
  }
  return errors
}

function statusCode (error: FastifyError): number {
  return typeof error.statusCode === 'number' ? error.statusCode : 500
}

export default fp(async function errorsPlugin (app: FastifyInstance) {
  app.setErrorHandler(function (error: FastifyError | RegistryError, request, reply) {
    if (error instanceof RegistryError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed')
      // A refusal that says when to come back (a full queue) says it where clients look for it.
      const retryAfter = error.extra?.retryAfterSeconds
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter))
      return sendProblem(reply, error.code, error.message, error.extra)
    }
    if (error.validation) {
      const errors = [...fieldErrors(error), ...laterPartErrors(request, error.validationContext)]
      const fields = [...new Set(errors.map((e) => e.pointer))].join(', ')
      const first = errors.length === 1 ? ` — ${(errors[0] as FieldError).detail}` : ''
      return sendProblem(reply, 'VALIDATION_FAILED', `invalid ${[...new Set(errors.map((e) => e.in))].join(' and ') || 'input'}: ${fields} / 以下字段有误：${fields}${first}`, { errors })
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined
    if (mapped === 'UNSUPPORTED_MEDIA_TYPE') {
      // curl -d sends a form (application/x-www-form-urlencoded) unless told otherwise.
      const sent = request.headers['content-type']
      return sendProblem(reply, mapped, `this operation does not take ${sent === undefined ? 'a body without Content-Type' : sent}: send JSON with Content-Type: application/json (curl -d needs -H 'Content-Type: application/json'), or a type its documentation lists / 请求体须为 JSON，并带 Content-Type: application/json`)
    }
    if (mapped) return sendProblem(reply, mapped, error.message)
    const status = statusCode(error)
    if (status === 429) return sendProblem(reply, 'RATE_LIMITED', error.message)
    if (status === 408 || status === 503) return sendProblem(reply, status === 408 ? 'REQUEST_TIMEOUT' : 'SERVICE_UNAVAILABLE')
    if (status >= 400 && status < 500) return sendProblem(reply, 'BAD_REQUEST', error.message)
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(reply, 'INTERNAL', `An internal error occurred. Quote request id ${String(request.id)} when reporting it. / 服务内部错误，请提供请求编号。`)
  })

  app.setNotFoundHandler(function (request, reply) {
    return sendProblem(reply, 'ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0]} is not a route of this service`)
  })
}, { name: 'errors' })
