// GET /v1/verify/{number}: the public check of a certificate shown in the street (扫码验证).
// No token; nothing personal beyond a masked name.
import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { checkCertificateNumber, normalizeCertificateNumber } from '../../domain/certificate-number.js'
import { effectiveStatus, isValid } from '../../domain/certificates.js'
import { shanghaiDate } from '../../domain/dates.js'
import { maskName } from '../../domain/identity.js'
import { fail } from '../../errors.js'
import { IsoDate, StringEnum, Timestamp, problems } from '../../http/schemas.js'
import type { DatabaseHandle } from '../../db/open.js'
import type { Clock } from '../context.js'
import { certificateRepository } from '../certificates/repository.js'

export const STATUS_LABELS = { active: '有效', suspended: '已暂扣', revoked: '已吊销', cancelled: '已注销', expired: '已过期' } as const

export const Verification = Type.Object({
  number: Type.String(),
  valid: Type.Boolean({ description: '证件当前是否有效 whether the holder may enforce now' }),
  status: StringEnum(['active', 'suspended', 'revoked', 'cancelled', 'expired'] as const),
  statusLabel: Type.String({ description: '有效 / 已暂扣 / 已吊销 / 已注销 / 已过期' }),
  agency: Type.String({ description: '发证执法主体 the issuing agency' }),
  holder: Type.String({ description: '持证人（脱敏）masked holder name' }),
  domains: Type.Array(Type.String()),
  validUntil: IsoDate(),
  checkedAt: Timestamp
})

/** The verification of one number as of now; CERTIFICATE_NUMBER_INVALID, NOT_FOUND. */
export function verifyCertificate (store: DatabaseHandle, clock: Clock, raw: string) {
  const number = normalizeCertificateNumber(raw)
  if (!checkCertificateNumber(number)) fail('CERTIFICATE_NUMBER_INVALID', 'the number\'s check character does not match; check for a typo / 证号校验位不符')
  const row = certificateRepository.findForVerification(store.db, number) ?? fail('NOT_FOUND', 'no certificate with this number / 查无此证')
  const now = clock()
  const status = effectiveStatus(row.status, row.validUntil, shanghaiDate(now))
  return {
    number: row.number,
    valid: isValid(status),
    status,
    statusLabel: STATUS_LABELS[status],
    agency: row.agencyName,
    holder: maskName(row.holderName),
    domains: row.domains,
    validUntil: row.validUntil,
    checkedAt: now.toISOString()
  }
}

export const verifyRoutes: FastifyPluginAsyncTypebox<{ store: DatabaseHandle, clock: Clock }> = async (app, { store, clock }) => {
  app.get('/v1/verify/:number', {
    config: { access: 'public' },
    schema: {
      tags: ['verify'],
      operationId: 'verifyCertificate',
      summary: '证件验证 Verify a certificate',
      security: [],
      description: '公众扫码或输入证号验证执法证件，无需登录。暂扣、吊销、注销或过期的证件自变更之时起即显示无效。' +
        ' Public check by number, no login. A suspended, revoked, cancelled or expired certificate is not valid from the instant of the change.',
      params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40, description: '证号 certificate number' }) }),
      response: { 200: Verification, ...problems(404) }
    }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    return verifyCertificate(store, clock, req.params.number)
  })
}
