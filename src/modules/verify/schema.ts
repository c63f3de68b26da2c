// Wire shape of the public check of a certificate.
import { Type } from 'typebox'
import { IsoDate, StringEnum, Timestamp } from '../../http/schemas.js'

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
