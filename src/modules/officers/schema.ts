// Wire shapes of 行政执法人员 (officers).
import { Type } from 'typebox'
import { departureReasons } from '../../domain/certificates.js'
import { Body, Id, IsoDate, PageQuery, Query, StringEnum, Text, Timestamp, components, PLACEHOLDER, withExample } from '../../http/schemas.js'

const Name = Text({ maxLength: 50, description: '姓名 name' })
export const IdNumber = Type.String({ minLength: 18, maxLength: 18, description: '身份证号 18-character resident ID number (GB 11643 check digit validated); never put it in a URL' })
const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$', description: '联系电话 phone' })
const Flag = (description: string) => Type.Boolean({ description })

const flags = {
  auxiliary: Type.Optional(Flag('辅助人员 auxiliary staff: never certified, not counted as an officer')),
  police: Type.Optional(Flag('人民警察 police: certified under their own law, outside this registry\'s certificates')),
  legalReviewer: Type.Optional(Flag('法制审核人员 legal reviewer (the 5% rule)')),
  supervisor: Type.Optional(Flag('执法监督员 enforcement supervisor'))
}

export const Officer = Type.Object({
  id: Id,
  name: Type.String(),
  idNumber: Type.String({ description: 'masked (110105********123X) except on a single read by admin or clerk' }),
  agencyId: Id,
  employeeNo: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'masked in lists' }),
  auxiliary: Type.Boolean(),
  police: Type.Boolean(),
  legalReviewer: Type.Boolean(),
  supervisor: Type.Boolean(),
  status: StringEnum(['active', 'departed'] as const, { description: 'active 在岗 | departed 离岗' }),
  joinedOn: Type.Union([IsoDate(), Type.Null()]),
  departedOn: Type.Union([IsoDate(), Type.Null()]),
  departureReason: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Type.Union([Timestamp, Type.Null()])
})

export const CreateOfficer = Body({
  name: Name,
  idNumber: IdNumber,
  agencyId: Id,
  employeeNo: Type.Optional(Text({ maxLength: 50, description: '工号 employee number in the HR system' })),
  phone: Type.Optional(Phone),
  joinedOn: Type.Optional(IsoDate('入职（上岗）日期 date joined')),
  ...flags
})

export const UpdateOfficer = Body({
  name: Type.Optional(Name),
  idNumber: Type.Optional(IdNumber),
  employeeNo: Type.Optional(Type.Union([Text({ maxLength: 50 }), Type.Null()])),
  phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  joinedOn: Type.Optional(Type.Union([IsoDate(), Type.Null()])),
  ...flags
})

export const OfficerQuery = Query({
  ...PageQuery,
  agencyId: Type.Optional(Id),
  status: Type.Optional(StringEnum(['active', 'departed'] as const, { description: 'active 在岗 | departed 离岗' })),
  legalReviewer: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '姓名包含 name contains' }))
})

export const Lookup = Body({ idNumber: IdNumber })

export const Departure = Body({
  reason: StringEnum(departureReasons, { description: 'transfer 调动 | resignation 辞职 | dismissal 辞退 | retirement 退休 | other 其他' }),
  date: IsoDate('离岗日期 date of leaving'),
  note: Type.Optional(Text({ maxLength: 500, lines: true }))
})

export const Transfer = Body({
  toAgencyId: Id,
  date: IsoDate('调动日期 date of transfer'),
  note: Type.Optional(Text({ maxLength: 500, lines: true }))
})

export const CancelledCertificate = Type.Object({
  id: Id, number: Type.String(), agencyId: Id, previousStatus: Type.String(), recallId: Id
})

export const MoveResult = Type.Object({
  officer: Officer,
  cancelled: Type.Array(CancelledCertificate, { description: '本次注销的证件（并已发起收回）certificates cancelled, each with its card recall opened' })
})

withExample(CreateOfficer, {
  name: '王建华', idNumber: '14010519850612302X', agencyId: PLACEHOLDER.id, employeeNo: 'TY-2026-0318', phone: '13935112345', joinedOn: PLACEHOLDER.date, auxiliary: false, police: false, legalReviewer: false, supervisor: false
})
withExample(UpdateOfficer, { phone: '13935112345', joinedOn: PLACEHOLDER.date })
withExample(Lookup, { idNumber: '14010519850612302X' })
withExample(Departure, { reason: 'transfer', date: PLACEHOLDER.date, note: '调任太原市司法局' })
withExample(Transfer, { toAgencyId: PLACEHOLDER.id, date: PLACEHOLDER.date, note: '晋人社函〔2026〕22号' })

components({ Officer, MoveResult })
