// Readiness, for load balancers and operators.
import type { Store } from '../../db/store.js'
import { healthRepository } from './repository.js'

export function healthService ({ store }: { store: Store }) {
  return {
    /** 'ready', or why not: the database does not answer, or a migration is not applied. */
    async readiness (): Promise<'ready' | 'database not reachable' | 'migrations not applied'> {
      try {
        await store.read((db) => healthRepository.ping(db))
        if (!await store.migrationsApplied()) return 'migrations not applied'
      } catch {
        return 'database not reachable'
      }
      return 'ready'
    }
  }
}

export type HealthService = ReturnType<typeof healthService>
