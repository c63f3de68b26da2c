// Sealed ID numbers and the database: the check that the key a store was opened with is the key
// its data was written with, and the start-up conversion of rows still in clear. The key is
// given when the store is opened (openSqliteStore): nothing here guesses one.
//
// Why the conversion runs in code: a drizzle migration is SQL only and cannot encrypt. Migration
// 0004_id_number_index adds the blind index table; prepareIdNumbers() then, at every start,
// seals each officers.id_number still in clear and fills its blind index, in one transaction.
// It is idempotent: a row already sealed and indexed is left alone, so after the first start
// it finds nothing to do. The rows' version and updated_at do not change (the value is the same
// number, stored differently) and no audit event is written. When it did convert rows it
// VACUUMs, so the numbers in clear do not linger in free pages or the WAL.
import { count, eq, gte, isNull, like, lt, not, or } from 'drizzle-orm'
import type { Db, SqliteStore } from './handle.js'
import { officerIdIndex, officers } from '../schema.js'
import { assertSealedWith, type IdNumberCodec } from '../../security/id-numbers.js'

/** Checks that the ID numbers already sealed in the database were sealed with the codec's key;
 *  throws (naming both key ids) when they were not. */
export function checkIdNumberKey (db: Db, codec: IdNumberCodec): void {
  const sample = db.select({ idNumber: officers.idNumber }).from(officers).where(like(officers.idNumber, 'v1.%')).limit(1).get()
  assertSealedWith(codec, sample?.idNumber, 'set ID_ENCRYPTION_KEY (or restore the id-encryption.key file beside the database) to the key the data was written with')
}

/** The codec of the store `db` belongs to (the key it was opened with); throws when it has none. */
export const idNumberCodec = (db: Db): IdNumberCodec => db.$store.idNumbers

/** At start: checks the store's key against the data, then seals every ID number still in clear
 *  and fills the blind index (idempotent). Returns how many officers were converted. */
export async function prepareIdNumbers (store: SqliteStore): Promise<number> {
  const codec = store.idNumbers
  const converted = await store.write(async (db) => {
    if (allSealed(db)) return 0
    const pending = db.select({ id: officers.id, idNumber: officers.idNumber, digest: officerIdIndex.digest })
      .from(officers)
      .leftJoin(officerIdIndex, eq(officerIdIndex.officerId, officers.id))
      .where(or(not(like(officers.idNumber, 'v1.%')), isNull(officerIdIndex.digest)))
      .all()
    for (const row of pending) {
      const clear = codec.open(row.idNumber)
      if (!codec.isSealed(row.idNumber)) db.update(officers).set({ idNumber: codec.seal(clear) }).where(eq(officers.id, row.id)).run()
      if (row.digest === null) db.insert(officerIdIndex).values({ officerId: row.id, digest: codec.blindIndex(clear) }).run()
    }
    return pending.length
  })
  if (converted > 0) {
    store.sqlite.exec('VACUUM')
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  }
  return converted
}

/** What every start but the first finds, answered without reading every officer (a scan of
 *  100,000 took a tenth of the start-up): no ID number in clear, a range of the id_number index
 *  (sealed values begin 'v1.', ID numbers with a digit); and a blind-index row per officer, the
 *  index being keyed by officer (and bound to it), so equal counts mean one each. */
function allSealed (db: Db): boolean {
  const clear = db.select({ id: officers.id }).from(officers)
    .where(or(lt(officers.idNumber, 'v1.'), gte(officers.idNumber, 'v1/'))).limit(1).all()
  if (clear.length > 0) return false
  const [row] = db.select({ officers: count() }).from(officers).all()
  const [indexed] = db.select({ rows: count() }).from(officerIdIndex).all()
  return row?.officers === indexed?.rows
}
