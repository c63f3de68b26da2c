// ID numbers (身份证号) at rest (个人信息保护法): officers.id_number holds the number sealed with
// AES-256-GCM, and officer_id_index a keyed HMAC-SHA256 of it (a "blind index") for exact
// lookup and registry-wide uniqueness. Both keys are derived (HKDF-SHA256, distinct labels)
// from one 32-byte master key: ID_ENCRYPTION_KEY, else a key file generated beside the
// database on first start, else (':memory:') a fresh key for that database alone.
// A sealed value reads `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts): the key id says
// which key sealed it, so a wrong key is reported as such instead of as corrupt data, and a
// later key rotation can tell old values from new ones.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomFillSync } from 'node:crypto'
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setBounded } from '../bounded-map.js'
import { normalizeIdNumber } from '../domain/identity.js'

export const ID_KEY_FILE_NAME = 'id-encryption.key'
const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const SEALED = /^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]{22,}$/
// Starts every sealed byte string: no UTF-8 text or JSON answer begins with a NUL-terminated "RSB1".
const BYTES_MAGIC = Buffer.from('RSB1\0')

export interface IdNumberCodec {
  /** Short public fingerprint of the master key, written into every sealed value. */
  readonly keyId: string
  /** The number (normalised) sealed with AES-256-GCM under a fresh random IV. */
  seal (idNumber: string): string
  /** The number a sealed value holds. A value still in clear (written before sealing existed,
   *  not yet converted at start-up) is returned as it is. Throws on a wrong key or tampering. */
  open (stored: string): string
  /** HMAC-SHA256 (base64url) of the normalised number: equal numbers, equal digests. */
  blindIndex (idNumber: string): string
  isSealed (stored: string): boolean
  /** Other stored bytes that may carry an ID number (e.g. an answer kept for an Idempotency-Key
   *  replay), sealed under their own derived key and bound to `context` (say, the column). */
  sealBytes (data: Buffer, context: string): Buffer
  /** The bytes sealBytes sealed; bytes that are not sealed are returned as they are. Throws on a
   *  wrong key, another context or tampering. */
  openBytes (stored: Buffer, context: string): Buffer
}

/** How many opened ID numbers a codec remembers (by their sealed text, oldest forgotten first). */
const OPENED_CACHE = 20_000
/** How many blind-index digests it remembers (by the number): an imported row's number is
 *  looked up when the row is checked, again when it is applied, and indexed on insert. */
const DIGEST_CACHE = 4_096
/** IVs drawn from the system's random source at once: a draw per seal cost as much as the
 *  encryption itself, a large import seals tens of thousands. Each IV is used once. */
const IV_POOL = 512

/** Fresh random IVs, drawn IV_POOL at a time. */
function ivSource (): () => Buffer {
  const pool = Buffer.alloc(IV_BYTES * IV_POOL)
  let at = pool.length
  return () => {
    if (at === pool.length) {
      randomFillSync(pool)
      at = 0
    }
    const iv = Buffer.from(pool.subarray(at, at + IV_BYTES)) // a copy: the pool is refilled later
    pool.fill(0, at, at + IV_BYTES)
    at += IV_BYTES
    return iv
  }
}

/** A codec over a 32-byte master key. */
export function createIdNumberCodec (masterKey: Buffer): IdNumberCodec {
  if (masterKey.length !== 32) throw new RangeError(`the ID-number key must be 32 bytes, not ${masterKey.length}`)
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `enforcement-registry/id-number/${label}`, 32))
  const encKey = derive('aes-256-gcm')
  const macKey = derive('blind-index')
  const bytesKey = derive('stored-bytes')
  const keyId = derive('key-id').toString('base64url').slice(0, 8)
  // Binds a ciphertext to its column: a sealed ID number pasted into another field does not open.
  const aad = Buffer.from('officers.id_number')
  const isSealed = (stored: string) => SEALED.test(stored)
  const freshIv = ivSource()
  const digests = new Map<string, string>()

  // Opening costs about as much as the indexed read that fetched the row; an answer read again
  // (a busy officer's record) is opened once. Only values that authenticated are kept.
  const opened = new Map<string, string>()
  const openSealed = (stored: string): string => {
    const [, kid, ivText, bodyText] = stored.split('.') as [string, string, string, string]
    if (kid !== keyId) throw new Error(`an ID number was sealed with key ${kid}, but the configured key is ${keyId}: set ID_ENCRYPTION_KEY (or the ${ID_KEY_FILE_NAME} file) to the key the data was written with`)
    const body = Buffer.from(bodyText, 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(ivText, 'base64url'), { authTagLength: TAG_BYTES }).setAAD(aad)
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new Error('a sealed ID number failed authentication: the stored value was altered')
    }
  }

  return {
    keyId,

    seal (idNumber) {
      const iv = freshIv()
      const cipher = createCipheriv('aes-256-gcm', encKey, iv, { authTagLength: TAG_BYTES }).setAAD(aad)
      const body = Buffer.concat([cipher.update(normalizeIdNumber(idNumber), 'utf8'), cipher.final(), cipher.getAuthTag()])
      return [VERSION, keyId, iv.toString('base64url'), body.toString('base64url')].join('.')
    },

    open (stored) {
      if (!isSealed(stored)) return stored
      const known = opened.get(stored)
      if (known !== undefined) return known
      const clear = openSealed(stored)
      setBounded(opened, stored, clear, OPENED_CACHE)
      return clear
    },

    blindIndex (idNumber) {
      const normal = normalizeIdNumber(idNumber)
      const known = digests.get(normal)
      if (known !== undefined) return known
      const digest = createHmac('sha256', macKey).update(normal, 'utf8').digest('base64url')
      setBounded(digests, normal, digest, DIGEST_CACHE)
      return digest
    },

    isSealed,

    sealBytes (data, context) {
      const iv = freshIv()
      const cipher = createCipheriv('aes-256-gcm', bytesKey, iv, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(context))
      return Buffer.concat([BYTES_MAGIC, Buffer.from(keyId), iv, cipher.update(data), cipher.final(), cipher.getAuthTag()])
    },

    openBytes (stored, context) {
      if (!stored.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC)) return stored
      const kid = stored.subarray(BYTES_MAGIC.length, BYTES_MAGIC.length + 8).toString()
      if (kid !== keyId) throw new Error(`stored bytes were sealed with key ${kid}, but the configured key is ${keyId}`)
      const ivAt = BYTES_MAGIC.length + 8
      const decipher = createDecipheriv('aes-256-gcm', bytesKey, stored.subarray(ivAt, ivAt + IV_BYTES), { authTagLength: TAG_BYTES }).setAAD(Buffer.from(context))
      decipher.setAuthTag(stored.subarray(stored.length - TAG_BYTES))
      try {
        return Buffer.concat([decipher.update(stored.subarray(ivAt + IV_BYTES, stored.length - TAG_BYTES)), decipher.final()])
      } catch {
        throw new Error(`sealed bytes (${context}) failed authentication: altered, or sealed for another place`)
      }
    }
  }
}

/** Throws (naming both key ids) when `sealed`, an ID number as stored (undefined: none stored),
 *  was sealed with a key other than the codec's; `fix` says where the right key is set. */
export function assertSealedWith (codec: IdNumberCodec, sealed: string | undefined, fix: string): void {
  assertKeyId(codec, sealed?.split('.')[1], fix)
}

/** The same for the id of the key a database says its numbers are sealed with (undefined: none). */
export function assertKeyId (codec: IdNumberCodec, keyId: string | undefined, fix: string): void {
  if (keyId !== undefined && keyId !== codec.keyId) {
    throw new Error(`this database's ID numbers were sealed with key ${keyId}, but the configured key is ${codec.keyId}: ${fix}`)
  }
}

/** The master key: ID_ENCRYPTION_KEY (base64, 32 bytes), else the key file in the database's
 *  folder (created with mode 0600 on first start), else, for ':memory:', a fresh key each time
 *  (a database in memory is new at each open, and lives only as long as its store). */
export function loadIdNumberKey (settings: { ID_ENCRYPTION_KEY?: string | undefined, DATABASE_PATH: string }): Buffer {
  if (settings.ID_ENCRYPTION_KEY) return decodeKey(settings.ID_ENCRYPTION_KEY, 'ID_ENCRYPTION_KEY')
  if (settings.DATABASE_PATH === ':memory:' || settings.DATABASE_PATH === '') {
    return randomBytes(32)
  }
  const file = join(dirname(settings.DATABASE_PATH), ID_KEY_FILE_NAME)
  if (!existsSync(file)) {
    // Written aside, then linked into place: another process starting at the same moment either
    // finds no file or a whole one, and exactly one key wins.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
    writeFileSync(draft, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
    try {
      linkSync(draft, file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err // another process won the race: use its key
    } finally {
      unlinkSync(draft)
    }
  }
  return decodeKey(readFileSync(file, 'utf8'), file)
}

function decodeKey (text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64')
  if (key.length !== 32) throw new Error(`${where}: the ID-number key must be 32 random bytes in base64 (openssl rand -base64 32)`)
  return key
}
