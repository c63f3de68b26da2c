// The rows, input and filter both certificate repositories share (repository.ts on SQLite,
// pg-repository.ts on PostgreSQL): types only, so neither implementation imports the other for them.
import type { cardRecalls, certificates } from '../../db/schema.js'
import type { CertificateStatus } from '../../domain/certificates.js'

export type CertificateRow = typeof certificates.$inferSelect
export type RecallRow = typeof cardRecalls.$inferSelect
export interface CertificateFilter { officerId?: number | undefined, agencyId?: number | undefined, status?: CertificateStatus | undefined }

/** The columns a new certificate sets, in the order of the SQLite repository's prepared insert. */
export type NewCertificateColumns = readonly ['number', 'officerId', 'agencyId', 'domains', 'issuedOn', 'validUntil', 'status', 'createdAt']
export type NewCertificate = Pick<typeof certificates.$inferInsert, NewCertificateColumns[number]>
