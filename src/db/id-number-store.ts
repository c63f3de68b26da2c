// Sealed ID numbers and the database: which key a database's ID numbers are sealed with, the
// check that it is the key its data was written with, and the start-up conversion of rows
// still in clear.
//
// Why the conversion runs in code: a drizzle migration is SQL only and cannot encrypt. Migration
// 0004_id_number_index adds the blind index table; prepareIdNumbers() then, at every start,
// seals each officers.id_number still in clear and fills its blind index, in one transaction.
// It is idempotent: a row already sealed and indexed is left alone, so after the first start
// it finds nothing to do. The rows' version and updated_at do not change (the value is the same
// number, stored differently) and no audit event is written. When it did convert rows it
// VACUUMs, so the numbers in clear do not linger in free pages or the WAL.
import { count, eq, gte, isNull, like, lt, not, or } from 'drizzle-orm'
import { clientOf, type DatabaseHandle, type Db } from './open.js'
import { officerIdIndex, officers } from './schema.js'
import { createIdNumberCodec, loadIdNumberKey, type IdNumberCodec } from '../security/id-numbers.js'

const codecs = new WeakMap<Db, IdNumberCodec>()

/** Binds a codec to a database after checking that the ID numbers already sealed in it were
 *  sealed with the same key; throws (naming both key ids) when they were not. */
export function bindIdNumberCodec (db: Db, codec: IdNumberCodec): void {
  const sample = db.select({ idNumber: officers.idNumber }).from(officers).where(like(officers.idNumber, 'v1.%')).limit(1).get()
  const sealedWith = sample?.idNumber.split('.')[1]
  if (sealedWith !== undefined && sealedWith !== codec.keyId) {
    throw new Error(`this database's ID numbers were sealed with key ${sealedWith}, but the configured key is ${codec.keyId}: ` +
      'set ID_ENCRYPTION_KEY (or restore the id-encryption.key file beside the database) to the key the data was written with')
  }
  codecs.set(db, codec)
}

/** The codec of a database: the one bound at start, or (a script or test that opened the
 *  database itself) the default key for its file: the key file beside it, or in memory this
 *  process's key. */
export function idNumberCodec (db: Db): IdNumberCodec {
  const bound = codecs.get(db)
  if (bound) return bound
  const file = clientOf(db).name // the connection's name is its file path
  if (!file) throw new Error('no ID-number key is bound to this database (call prepareIdNumbers at start)')
  const codec = createIdNumberCodec(loadIdNumberKey({ DATABASE_PATH: file }))
  bindIdNumberCodec(db, codec)
  return codec
}

/** At start: binds the configured key, then seals every ID number still in clear and fills the
 *  blind index (idempotent). Returns how many officers were converted. */
export function prepareIdNumbers (store: DatabaseHandle, settings: { ID_ENCRYPTION_KEY?: string | undefined, DATABASE_PATH: string }): number {
  const codec = createIdNumberCodec(loadIdNumberKey(settings))
  bindIdNumberCodec(store.db, codec)
  // Personal data replaced or deleted is overwritten on disk, not left behind in free space.
  store.sqlite.pragma('secure_delete = ON')
  // The same for every further connection of the store (the one an import applies on).
  store.onConnection((db) => {
    bindIdNumberCodec(db, codec)
    clientOf(db).pragma('secure_delete = ON')
  })
  const converted = store.write((db) => {
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

/** Seals stored bytes that may carry an ID number (see IdNumberCodec.sealBytes) with this
 *  database's key; e.g. an Idempotency-Key's stored answer: sealStoredBytes(db, body, 'idempotency_keys.body'). */
export const sealStoredBytes = (db: Db, data: Buffer, context: string): Buffer => idNumberCodec(db).sealBytes(data, context)

/** The bytes sealStoredBytes sealed (bytes stored before sealing are returned as they are). */
export const openStoredBytes = (db: Db, stored: Buffer, context: string): Buffer => idNumberCodec(db).openBytes(stored, context)
