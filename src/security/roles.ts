// Roles and what a caller is: shared by the auth plugin, the services and the schemas.
// casework: a case-handling system (执法办案系统) asking whether officers may act (POST
// /v1/eligibility) and the public verification; nothing else, not even general reads.
export const ROLES = ['admin', 'clerk', 'hr', 'auditor', 'casework'] as const
export type Role = typeof ROLES[number]

/** Who is calling, as proven by a verified token. */
export interface Principal {
  readonly sub: string
  readonly role: Role
  /** The agency whose subtree the caller reaches; null only for admin (everything). */
  readonly agencyId: number | null
  readonly via: 'user' | 'client' | 'external'
  /** The account's version when the token was issued (our tokens; see plugins/auth.ts). */
  readonly version?: number | undefined
}

/** Whether `p` still speaks for its account: true when the account's version now (`versionOf`,
 *  null for one disabled or gone) is the one its token was issued at. Tokens without a version
 *  and an external identity provider's are not ours to revoke. */
export async function principalCurrent (p: Principal, versionOf: (sub: string) => Promise<number | null>): Promise<boolean> {
  return p.via === 'external' || p.version === undefined || await versionOf(p.sub) === p.version
}

/** What a caller can see: every agency, or an agency and all below it (src/db/scope.ts). */
export type Scope =
  | { readonly all: true }
  | { readonly all: false, readonly rootAgencyId: number }

/** The caller as services see it: who, in what scope, for audit under which request. */
export interface Actor {
  readonly principal: Principal
  readonly scope: Scope
  readonly requestId: string
}

export function isRole (v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v)
}

/** Who may do what, by role: routes declare one of these in config.access. */
export const ACCESS = {
  /** Reading the registry within one's scope. */
  read: { roles: ['admin', 'clerk', 'hr', 'auditor'] },
  /** The justice bureau's work: agencies, exams, certificates. */
  bureau: { roles: ['admin', 'clerk'] },
  /** Personnel data an HR system keeps: officers, departures, transfers, training. */
  personnel: { roles: ['admin', 'clerk', 'hr'] },
  /** Accounts and system settings. */
  admin: { roles: ['admin'] },
  /** The audit trail. */
  audit: { roles: ['admin', 'auditor'] },
  /** May these officers act now (POST /v1/eligibility): every reader, and case-handling systems. */
  eligibility: { roles: ['admin', 'clerk', 'hr', 'auditor', 'casework'] }
} as const satisfies Record<string, { roles: readonly Role[] }>
