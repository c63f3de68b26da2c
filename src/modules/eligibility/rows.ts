// The facts both eligibility repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): each read as one flat row per officer and certificate, split here.
import type { StoredStatus } from '../../domain/certificates.js'

export interface OfficerRow { id: number, agencyId: number, status: 'active' | 'departed', departedOn: string | null, auxiliary: boolean, police: boolean }
export interface CardRow { id: number, number: string, officerId: number, agencyId: number, status: StoredStatus, issuedOn: string, validUntil: string, domains: string[] }
export interface AgencyRow { id: number, status: 'active' | 'merged' | 'dissolved', endedOn: string | null, domains: string[], confirmedYears: number[] }
export interface EventRow { certificateId: number, toStatus: string, at: string }

/** What one request judges: the officers found, their certificates, and those certificates' agencies. */
export interface Facts { officers: OfficerRow[], cards: CardRow[], agencies: AgencyRow[] }

/** One officer with one of their certificates (null columns: none) and its agency. */
export interface FlatRow extends OfficerRow {
  cardId: number | null
  number: string | null
  cardAgencyId: number | null
  cardStatus: StoredStatus | null
  issuedOn: string | null
  validUntil: string | null
  domains: string[] | null
  agencyStatus: AgencyRow['status'] | null
  endedOn: string | null
  agencyDomains: string[] | null
  /** The years the agency is confirmed for (yearly confirmations), as the engine gives them. */
  years: number[] | string | null
}

/** The flat rows split into officers, certificates and agencies, each once. */
export function splitFacts (rows: readonly FlatRow[]): Facts {
  const officers = new Map<number, OfficerRow>()
  const cards: CardRow[] = []
  const agencies = new Map<number, AgencyRow>()
  for (const r of rows) {
    if (!officers.has(r.id)) officers.set(r.id, { id: r.id, agencyId: r.agencyId, status: r.status, departedOn: r.departedOn, auxiliary: Boolean(r.auxiliary), police: Boolean(r.police) })
    if (r.cardId === null || r.cardAgencyId === null) continue
    cards.push({ id: r.cardId, number: r.number ?? '', officerId: r.id, agencyId: r.cardAgencyId, status: r.cardStatus ?? 'cancelled', issuedOn: r.issuedOn ?? '', validUntil: r.validUntil ?? '', domains: r.domains ?? [] })
    if (!agencies.has(r.cardAgencyId) && r.agencyStatus !== null) {
      const years = typeof r.years === 'string' ? JSON.parse(r.years) as number[] : r.years ?? []
      agencies.set(r.cardAgencyId, { id: r.cardAgencyId, status: r.agencyStatus, endedOn: r.endedOn, domains: r.agencyDomains ?? [], confirmedYears: [...years].sort((a, b) => a - b) })
    }
  }
  return { officers: [...officers.values()], cards, agencies: [...agencies.values()] }
}
