// The event both change-feed repositories answer (repository.ts on SQLite, pg-repository.ts on
// PostgreSQL): types only, so neither implementation imports the other for it.

/** One event as read: a single row, or one officer's event out of a batch (`officerId` set). */
export interface StoredEvent {
  readonly id: number
  readonly type: string
  readonly subject: string
  readonly agencyId: number
  readonly time: string
  readonly data: string
  readonly officerId: number | null
}
