// Readiness, for load balancers and operators.
import type { SqliteStore } from '../../db/sqlite/store.js'
import { healthRepository } from './repository.js'

export function healthService ({ store }: { store: SqliteStore }) {
  return {
    /** 'ready', or why not: the database does not answer, or a migration is not applied. */
    readiness (): 'ready' | 'database not reachable' | 'migrations not applied' {
      try {
        healthRepository.ping(store)
        if (!healthRepository.migrationsApplied(store)) return 'migrations not applied'
      } catch {
        return 'database not reachable'
      }
      return 'ready'
    }
  }
}

export type HealthService = ReturnType<typeof healthService>
