// The public check of a certificate shown in the street (扫码验证): GET /v1/verify/{number} for
// programs, GET /verify/{number} as a page for the phone that scanned the card's QR code, and
// the QR code itself (GET /v1/certificates/{id}/qr.svg). No token for the first two; nothing
// personal beyond the holder's name (full by default: 公示; PUBLIC_NAME_DISPLAY=masked masks it). Both are rate-limited per client (src/plugins/hardening.ts).
import { Type } from 'typebox'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { checkCertificateNumber, hasCertificateNumberForm, normalizeCertificateNumber } from '../../domain/certificate-number.js'
import { effectiveStatus, isValid } from '../../domain/certificates.js'
import { shanghaiDate } from '../../domain/dates.js'
import { publicName } from '../../domain/identity.js'
import type { Config } from '../../config.js'
import { fail, RegistryError } from '../../errors.js'
import { IdParams, IsoDate, Problem, StringEnum, Timestamp, problems } from '../../http/schemas.js'
import { htmlPageErrorHandler, sendHtmlPage } from '../../http/html-page.js'
import { ACCESS } from '../../security/roles.js'
import type { DatabaseHandle } from '../../db/open.js'
import type { Clock } from '../../clock.js'
import { certificateRepository } from '../certificates/repository.js'
import { PAGE_CSP, renderProblemPage, renderVerificationPage, type ProblemPageKind } from './page.js'

export const STATUS_LABELS = { active: '有效', suspended: '已暂扣', revoked: '已吊销', cancelled: '已注销', expired: '已过期' } as const

export const Verification = Type.Object({
  number: Type.String(),
  valid: Type.Boolean({ description: '证件当前是否有效 whether the holder may enforce now' }),
  status: StringEnum(['active', 'suspended', 'revoked', 'cancelled', 'expired'] as const),
  statusLabel: Type.String({ description: '有效 / 已暂扣 / 已吊销 / 已注销 / 已过期' }),
  agency: Type.String({ description: '发证执法主体 the issuing agency' }),
  holder: Type.String({ description: '持证人姓名（有效证件公示全名；证件失效或 PUBLIC_NAME_DISPLAY=masked 时脱敏）the holder\'s name: full for a valid card (公示), masked for a card no longer valid or when PUBLIC_NAME_DISPLAY=masked' }),
  domains: Type.Array(Type.String()),
  validUntil: IsoDate(),
  checkedAt: Timestamp
})

/** The verification of one number as of now, the name shown by `nameDisplay`;
 *  CERTIFICATE_NUMBER_INVALID, NOT_FOUND. */
export function verifyCertificate (store: DatabaseHandle, clock: Clock, raw: string, nameDisplay: Config['PUBLIC_NAME_DISPLAY'] = 'full') {
  const number = normalizeCertificateNumber(raw)
  if (!checkCertificateNumber(number)) {
    fail('CERTIFICATE_NUMBER_INVALID', hasCertificateNumberForm(number)
      ? 'the number\'s check character does not match; check for a typo / 证号校验位不符'
      : 'not a certificate number: 16 characters, 15 digits then a digit or X / 不是证号：证号共 16 位，前 15 位为数字，末位为数字或 X')
  }
  const row = certificateRepository.findForVerification(store.db, number) ?? fail('NOT_FOUND', 'no certificate with this number / 查无此证')
  const now = clock()
  const status = effectiveStatus(row.status, row.validUntil, shanghaiDate(now))
  return {
    number: row.number,
    valid: isValid(status),
    status,
    statusLabel: STATUS_LABELS[status],
    agency: row.agencyName,
    // 公示 is of the holders of a live card (rule 8): a suspended, revoked, cancelled or expired
    // card shows the name masked, enough to compare with the card in hand.
    holder: publicName(row.holderName, isValid(status) ? nameDisplay : 'masked'),
    domains: row.domains,
    validUntil: row.validUntil,
    checkedAt: now.toISOString()
  }
}

/** The address a certificate's QR code encodes: the verification page, nothing personal. */
export function verificationUrl (publicBaseUrl: string, number: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(number)}`
}

const sendPage = (reply: FastifyReply, status: number, html: string) => sendHtmlPage(reply, PAGE_CSP, status, html)

// The page's own answers (no such card, mistyped number) are always HTML; so is too many
// requests, and any other refusal for a browser (http/html-page).
const PROBLEM_PAGES: Record<number, ProblemPageKind> = { 400: 'bad-request', 404: 'not-found', 429: 'rate-limited' }
const pageErrorHandler = htmlPageErrorHandler(PAGE_CSP, 'verification page', (status, retryAfter) => renderProblemPage(PROBLEM_PAGES[status] ?? 'unavailable', '', retryAfter))

const Html = (description: string) => ({ description, content: { 'text/html': { schema: Type.String() } } })

export const verifyRoutes: FastifyPluginAsyncTypebox<{ store: DatabaseHandle, clock: Clock, publicBaseUrl: string, nameDisplay: Config['PUBLIC_NAME_DISPLAY'] }> = async (app, { store, clock, publicBaseUrl, nameDisplay }) => {
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
    return verifyCertificate(store, clock, req.params.number, nameDisplay)
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
      return sendPage(reply, 200, renderVerificationPage(verifyCertificate(store, clock, req.params.number, nameDisplay)))
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
    const cert = certificateRepository.findById(store.db, req.actor.scope, req.params.id) ?? fail('NOT_FOUND', `certificate ${req.params.id} not found`)
    const { default: QRCode } = await import('qrcode') // loaded on the first QR code, not at start
    const svg = await QRCode.toString(verificationUrl(publicBaseUrl, cert.number), { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
    return reply.type('image/svg+xml; charset=utf-8')
      .header('content-disposition', `inline; filename="certificate-${cert.number}-qr.svg"`)
      .header('cache-control', 'private, max-age=3600')
      .send(svg)
  })
}
