// The public check of a certificate shown in the street (扫码验证): GET /v1/verify/{number} for
// programs, GET /verify/{number} as a page for the phone that scanned the card's QR code, and
// the QR code itself (GET /v1/certificates/{id}/qr.svg). No token for the first two; nothing
// personal beyond the holder's name (full by default: 公示; PUBLIC_NAME_DISPLAY=masked masks it). Both are rate-limited per client (src/plugins/hardening.ts).
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { RegistryError } from '../../errors.js'
import { IdParams, Problem, problems } from '../../http/schemas.js'
import { htmlPageErrorHandler, sendHtmlPage } from '../../http/html-page.js'
import { ACCESS } from '../../security/roles.js'
import { PAGE_CSP, renderProblemPage, renderVerificationPage, type ProblemPageKind } from './page.js'
import { Verification } from './schema.js'
import type { VerifyService } from './service.js'

const sendPage = (reply: FastifyReply, status: number, html: string) => sendHtmlPage(reply, PAGE_CSP, status, html)

// The page's own answers (no such card, mistyped number) are always HTML; so is too many
// requests, and any other refusal for a browser (http/html-page).
const PROBLEM_PAGES: Record<number, ProblemPageKind> = { 400: 'bad-request', 404: 'not-found', 429: 'rate-limited' }
const pageErrorHandler = htmlPageErrorHandler(PAGE_CSP, 'verification page', (status, retryAfter) => renderProblemPage(PROBLEM_PAGES[status] ?? 'unavailable', '', retryAfter))

const Html = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } })

export const verifyRoutes: FastifyPluginAsyncTypebox<{ verify: VerifyService }> = async (app, { verify }) => {
  app.get('/v1/verify/:number', {
    config: { access: 'public' },
    schema: {
      tags: ['verify'],
      operationId: 'verifyCertificate',
      summary: '证件验证 Verify a certificate',
      security: [],
      description: '公众扫码或输入证号验证执法证件，无需登录。暂扣、吊销、注销或过期的证件自变更之时起即显示无效。' +
        ' Public check by number, no login; the holder\'s name in full (公示) unless PUBLIC_NAME_DISPLAY=masked. A suspended, revoked, cancelled or expired certificate is not valid from the instant of the change.',
      params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40, description: '证号 certificate number' }) }),
      response: { 200: Verification, ...problems(404) }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return await verify.verify(req.params.number)
  })

  app.get('/verify/:number', {
    config: { access: 'public' },
    errorHandler: pageErrorHandler,
    schema: {
      tags: ['verify'],
      operationId: 'verificationPage',
      summary: '证件验证页面 Verification page',
      security: [],
      description: '扫描执法证件二维码打开的手机网页（中文，无需登录，不含脚本）：醒目显示有效、已暂扣、已吊销、已注销或已过期，以及执法单位、持证人姓名（PUBLIC_NAME_DISPLAY=masked 时脱敏）、执法领域、有效期和查询时间（北京时间）。查无此证为 404、证号校验位不符为 400、查询过于频繁为 429（附 Retry-After），均为中文网页。' +
        ' The page a phone opens from the card\'s QR code (Chinese, no login, no script): the verdict in large type, the agency, the holder\'s name (masked when PUBLIC_NAME_DISPLAY=masked), domains, validity and the time of the check (Beijing time). An unknown number is a 404 page, a mistyped one a 400 page, too many requests a 429 page (with Retry-After), whatever the Accept header. Other errors are a page for browsers (Accept: text/html) and problem+json otherwise.',
      params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 64, description: '证号 certificate number' }) }),
      response: {
        200: Html('验证结果页面 the verification page'),
        400: Html('证号有误 mistyped number'),
        404: Html('查无此证 no such certificate'),
        429: Html('查询过于频繁，请按 Retry-After 稍后再试 too many requests: try again after Retry-After seconds (a page whatever the Accept header)'),
        500: { description: '服务内部错误 internal error', content: { 'application/problem+json': { schema: Problem } } },
        503: Html('暂时无法查询 the check could not be made (for browsers)')
      }
    }
  }, async (req, reply) => {
    try {
      return sendPage(reply, 200, renderVerificationPage(await verify.verify(req.params.number)))
    } catch (err) {
      if (!(err instanceof RegistryError) || (err.code !== 'NOT_FOUND' && err.code !== 'CERTIFICATE_NUMBER_INVALID')) throw err
      return sendPage(reply, err.status, renderProblemPage(err.code === 'NOT_FOUND' ? 'not-found' : 'number-invalid', req.params.number))
    }
  })

  app.get('/v1/certificates/:id/qr.svg', {
    config: { access: ACCESS.read },
    schema: {
      tags: ['certificates'],
      operationId: 'getCertificateQrCode',
      summary: '证件二维码 Certificate QR code',
      description: '印制在执法证件上的二维码（SVG），内容仅为公开验证页面的网址（PUBLIC_BASE_URL/verify/证号），不含任何个人信息。' +
        ' The QR code printed on the card (SVG). It encodes only the public verification page\'s address (PUBLIC_BASE_URL/verify/{number}), nothing personal.',
      params: IdParams,
      response: { 200: { description: 'SVG 二维码 the QR code', content: { 'image/svg+xml': { schema: Type.String() } } }, ...problems(404) }
    }
  }, async (req, reply) => {
    const cert = await verify.qrCodeTarget(req.actor, req.params.id)
    const { default: QRCode } = await import('qrcode') // loaded on the first QR code, not at start
    const svg = await QRCode.toString(cert.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
    return reply.type('image/svg+xml; charset=utf-8')
      .header('content-disposition', `inline; filename="certificate-${cert.number}-qr.svg"`)
      .header('cache-control', 'private, max-age=3600')
      .send(svg)
  })
}
