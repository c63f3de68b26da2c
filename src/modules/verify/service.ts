// The public check of a certificate (扫码验证) and the address its QR code encodes.
import { checkCertificateNumber, hasCertificateNumberForm, normalizeCertificateNumber } from '../../domain/certificate-number.js'
import { CERTIFICATE_STATUS_LABELS, effectiveStatus, holderNameShown, isValid } from '../../domain/certificates.js'
import { shanghaiDate } from '../../domain/dates.js'
import type { Config } from '../../config.js'
import type { Db } from '../../db/store.js'
import { fail } from '../../errors.js'
import type { Actor } from '../../security/roles.js'
import type { Clock } from '../../clock.js'
import type { ServiceContext } from '../context.js'
import { certificateRepository } from '../certificates/repository.js'

/** The verification of one number as of now, the name shown by `nameDisplay`;
 *  CERTIFICATE_NUMBER_INVALID, NOT_FOUND. */
async function verifyCertificate (db: Db, clock: Clock, raw: string, nameDisplay: Config['PUBLIC_NAME_DISPLAY'] = 'full') {
  const number = normalizeCertificateNumber(raw)
  if (!checkCertificateNumber(number)) {
    fail('CERTIFICATE_NUMBER_INVALID', hasCertificateNumberForm(number)
      ? 'the number\'s check character does not match; check for a typo / 证号校验位不符'
      : 'not a certificate number: 16 characters, 15 digits then a digit or X / 不是证号：证号共 16 位，前 15 位为数字，末位为数字或 X')
  }
  const row = (await certificateRepository.findForVerification(db, number)) ?? fail('NOT_FOUND', 'no certificate with this number / 查无此证')
  const now = clock()
  const status = effectiveStatus(row.status, row.validUntil, shanghaiDate(now))
  return {
    number: row.number,
    valid: isValid(status),
    status,
    statusLabel: CERTIFICATE_STATUS_LABELS[status],
    agency: row.agencyName,
    holder: holderNameShown(row.holderName, status, nameDisplay),
    domains: row.domains,
    validUntil: row.validUntil,
    checkedAt: now.toISOString()
  }
}

/** The address a certificate's QR code encodes: the verification page, nothing personal. */
function verificationUrl (publicBaseUrl: string, number: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/verify/${encodeURIComponent(number)}`
}

export function verifyService ({ store, config, clock }: ServiceContext) {
  return {
    /** The verification of one number as of now (verifyCertificate), the name shown as
     *  PUBLIC_NAME_DISPLAY says; CERTIFICATE_NUMBER_INVALID, NOT_FOUND. */
    verify: async (raw: string) => await store.read(async (db) => await verifyCertificate(db, clock, raw, config.PUBLIC_NAME_DISPLAY)),

    /** The number of a certificate in the caller's scope and the address its QR code encodes;
     *  NOT_FOUND. */
    async qrCodeTarget (actor: Actor, id: number): Promise<{ number: string, url: string }> {
      const cert = (await store.read(async (db) => await certificateRepository.findById(db, actor.scope, id))) ?? fail('NOT_FOUND', `certificate ${id} not found`)
      return { number: cert.number, url: verificationUrl(config.PUBLIC_BASE_URL, cert.number) }
    }
  }
}

export type VerifyService = ReturnType<typeof verifyService>
