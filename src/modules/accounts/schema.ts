// Wire shapes of accounts: users (people who sign in) and clients (HR systems).
import { Type } from 'typebox'
import { Id, Password as PasswordSchema, StringEnum, Text, Timestamp, components } from '../../http/schemas.js'
import { PASSWORD_RULE } from '../../domain/password-rule.js'
import { ROLES } from '../../security/roles.js'

export const Role = StringEnum(ROLES, { description: 'admin 管理员 | clerk 司法局工作人员 | hr 人事系统 | auditor 审计 | casework 执法办案系统（仅可查询执法资格与验证证件 eligibility and verification only）' })
export const AgencyId = Type.Union([Id, Type.Null()], { description: 'scope: this agency and all below it (required unless admin) / 权限范围所属执法主体' })

export const Version = Type.Integer({ minimum: 1, description: 'changes with every update; the ETag / 每次修改递增' })
export const User = Type.Object({ id: Id, username: Type.String(), role: Role, agencyId: Type.Union([Id, Type.Null()]), disabled: Type.Boolean(), version: Version, createdAt: Timestamp })
export const Client = Type.Object({ id: Id, clientId: Type.String(), name: Type.String(), role: Role, agencyId: Type.Union([Id, Type.Null()]), disabled: Type.Boolean(), version: Version, createdAt: Timestamp })
components({ User, Client })
export const Password = PasswordSchema(PASSWORD_RULE)
export const Username = Text({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$', description: 'login name / 登录名' })
