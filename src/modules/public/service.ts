// 公示 (rule 8): the public can see which bodies may enforce and who holds a live card there
// (001 line 28: 执法…人员…全公开; 002 item 11: 执法信息依法依规全面公示; 003 line 293). No token;
// names full by default (PUBLIC_NAME_DISPLAY=masked masks them), never an ID number or a phone.
import { standingYears } from '../../domain/confirmation.js'
import { shanghaiDate } from '../../domain/dates.js'
import { publicName } from '../../domain/identity.js'
import { fail } from '../../errors.js'
import type { Config } from '../../config.js'
import type { Db, Store } from '../../db/store.js'
import type { Clock } from '../../clock.js'
import { agencyRepository } from '../agencies/repository.js'
import { publicRepository, type PublicAgencyFilter } from './repository.js'

export function publicService ({ store, config, clock }: { store: Store, config: Config, clock: Clock }) {
  const today = () => shanghaiDate(clock())
  const years = () => standingYears(today(), config.CONFIRMATION_GRACE_UNTIL)
  const withConfirmation = async <T extends { id: number }>(db: Db, rows: T[]) => {
    const latest = await agencyRepository.latestConfirmations(db, rows.map((r) => r.id))
    return rows.map((r) => {
      const c = latest.get(r.id)
      return { ...r, confirmationYear: c?.year ?? null, announcementNo: c?.announcementNo ?? null }
    })
  }

  return {
    /** Confirmed agencies (their confirmation stands today), a page after `afterId`. */
    agencies: async (filter: PublicAgencyFilter, afterId: number, limit: number) =>
      await store.read(async (db) => await withConfirmation(db, await publicRepository.agencies(db, years(), filter, afterId, limit))),

    /** One confirmed agency; NOT_FOUND otherwise (unknown, ended, or not confirmed). */
    agency: async (id: number) => await store.read(async (db) => {
      const row = (await publicRepository.agency(db, years(), id)) ?? fail('NOT_FOUND', `no confirmed agency ${id} / 查无此执法主体`)
      return (await withConfirmation(db, [row]))[0] as Awaited<ReturnType<typeof withConfirmation<typeof row>>>[number]
    }),

    /** The holders of a live card at a confirmed agency, a page after `afterId`; NOT_FOUND. */
    roster: async (agencyId: number, afterId: number, limit: number) => await store.read(async (db) => {
      (await publicRepository.agency(db, years(), agencyId)) ?? fail('NOT_FOUND', `no confirmed agency ${agencyId} / 查无此执法主体`)
      return (await publicRepository.roster(db, agencyId, today(), afterId, limit))
        .map((r) => ({ ...r, name: publicName(r.name, config.PUBLIC_NAME_DISPLAY) }))
    }),

    regions: async () => await store.read(async (db) => await publicRepository.regions(db, years()))
  }
}

export type PublicService = ReturnType<typeof publicService>
