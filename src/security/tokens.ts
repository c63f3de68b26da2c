// Access tokens: EdDSA JWTs we sign ourselves, and optionally tokens of an external identity
// provider (remote JWKS). Every way a token can be wrong ends as INVALID_TOKEN (401).
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  SignJWT, createRemoteJWKSet, decodeJwt, exportJWK, importPKCS8, importSPKI, jwtVerify,
  type JWK, type JWTPayload, type JWTVerifyGetKey
} from 'jose'
import type { Config } from '../config.js'
import { setBounded } from '../bounded-map.js'
import { RegistryError } from '../errors.js'
import { isRole, type Principal } from './roles.js'

export interface TokenService {
  /** Signs a short-lived token for the principal. */
  issue (principal: Omit<Principal, 'via'>, via: Principal['via']): Promise<{ token: string, expiresIn: number }>
  /** The principal a token proves; throws RegistryError INVALID_TOKEN for any fault. */
  verify (token: string): Promise<Principal>
  /** The principal of a token verified before and not yet expired, without waiting; else undefined. */
  verified (token: string): Principal | undefined
  /** Our public key as a JWKS, for downstream systems that verify our tokens. */
  readonly jwks: { keys: JWK[] }
  /** The signing key's id: its public key (JWK x). */
  readonly keyId: string
  /** Whether the key outlives this process (AUTH_SIGNING_KEY, or the data folder's file): an
   *  in-memory database's key is this process's alone, and claims nothing. */
  readonly kept: boolean
}

export const KEY_FILE_NAME = 'signing-key.pem'

/** The PKCS#8 PEM private key: from config, else the data folder (generated on first start),
 *  else (an in-memory database) a fresh one for this process. */
export function loadSigningKeyPem (config: Config): string {
  if (config.AUTH_SIGNING_KEY) return config.AUTH_SIGNING_KEY.replace(/\\n/g, '\n')
  const generate = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  if (config.DATABASE_PATH === ':memory:') return generate()
  const file = join(dirname(config.DATABASE_PATH), KEY_FILE_NAME)
  if (!existsSync(file)) {
    // Written aside, then linked into place: a process starting at the same moment never reads
    // a half-written file; whoever links second uses the winner's key.
    const temp = `${file}.${process.pid}.tmp`
    writeFileSync(temp, generate(), { mode: 0o600 })
    try {
      linkSync(temp, file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      unlinkSync(temp)
    }
  }
  return readFileSync(file, 'utf8')
}

function invalid (why: string): RegistryError {
  return new RegistryError('INVALID_TOKEN', why)
}

/** An agencyId claim: a positive integer, as a number or as its decimal digits; null when
 *  absent; undefined for anything else (true, "1e0", [2] …), which is an invalid token rather
 *  than a guess: a guess could widen a scope. */
function agencyClaim (raw: unknown): number | null | undefined {
  if (raw === undefined || raw === null) return null
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined
}

/** Maps verified claims to a principal; claims of the wrong shape are an invalid token. The
 *  subject of an external identity provider's token is kept apart from ours ('ext:' + sub):
 *  idempotency keys and the audit trail are per subject, and the provider may name anyone
 *  'user:1'. */
function principalFrom (payload: JWTPayload, via: Principal['via']): Principal {
  const role = payload.role
  const agencyId = agencyClaim(payload.agencyId)
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid('token has no subject')
  if (!isRole(role)) throw invalid('token has no known role')
  if (agencyId === undefined) throw invalid('token agencyId is not an id')
  if (role !== 'admin' && agencyId === null) throw invalid('a non-admin token must carry agencyId')
  const sub = via === 'external' ? `ext:${payload.sub}` : payload.sub
  // Our tokens name the account version they were issued at (none before this claim existed).
  const ver = via === 'external' ? undefined : payload.ver
  if (ver !== undefined && !(typeof ver === 'number' && Number.isSafeInteger(ver) && ver >= 1)) throw invalid('token ver is not a version')
  return { sub, role, agencyId: role === 'admin' ? null : agencyId, via, ...(ver === undefined ? {} : { version: ver }) }
}

export async function createTokenService (config: Config): Promise<TokenService> {
  const pem = loadSigningKeyPem(config)
  const privateKey = await importPKCS8(createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString(), 'EdDSA')
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString()
  const publicKey = await importSPKI(spki, 'EdDSA', { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  const kid = publicJwk.x?.slice(0, 16) ?? 'registry'
  const external: JWTVerifyGetKey | null = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5000 })
    : null

  // Verifying a signature costs far more than the request it guards, and HR systems reuse one
  // token for many calls: a verified token is remembered until it expires (bounded, oldest out).
  const verified = new Map<string, { principal: Principal, exp: number }>()
  function remember (token: string, principal: Principal): void {
    const exp = Number(decodeJwt(token).exp ?? 0)
    setBounded(verified, token, { principal, exp }, 10_000)
  }
  function known (token: string): Principal | undefined {
    const hit = verified.get(token)
    return hit && hit.exp > Date.now() / 1000 ? hit.principal : undefined
  }

  return {
    jwks: { keys: [{ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }] },
    keyId: publicJwk.x ?? kid,
    kept: config.AUTH_SIGNING_KEY !== undefined || config.DATABASE_PATH !== ':memory:',

    async issue (p, via) {
      const expiresIn = config.TOKEN_TTL_SECONDS
      const token = await new SignJWT({ role: p.role, agencyId: p.agencyId, via, ...(p.version === undefined ? {} : { ver: p.version }) })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
        .setSubject(p.sub)
        .setIssuer(config.TOKEN_ISSUER)
        .setAudience(config.TOKEN_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${expiresIn}s`)
        .sign(privateKey)
      return { token, expiresIn }
    },

    verified: known,

    async verify (token) {
      const hit = known(token)
      if (hit) return hit
      const principal = await verifyUncached(token)
      remember(token, principal)
      return principal
    }
  }

  async function verifyUncached (token: string): Promise<Principal> {
    let iss: unknown
    try {
      iss = decodeJwt(token).iss
    } catch {
      throw invalid('token is not a JWT')
    }
    try {
      if (iss === config.TOKEN_ISSUER) {
        const { payload } = await jwtVerify(token, publicKey, {
          algorithms: ['EdDSA'], issuer: config.TOKEN_ISSUER, audience: config.TOKEN_AUDIENCE, requiredClaims: ['exp', 'iat', 'sub']
        })
        const via = payload.via === 'client' ? 'client' : 'user'
        return principalFrom(payload, via)
      }
      if (external && iss === config.AUTH_ISSUER) {
        const { payload } = await jwtVerify(token, external, {
          // Asymmetric algorithms only: an HS256 token "signed" with a public key is refused.
          algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'],
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
          requiredClaims: ['exp', 'sub']
        })
        return principalFrom(payload, 'external')
      }
    } catch (err) {
      if (err instanceof RegistryError) throw err
      throw invalid(`token rejected: ${(err as { code?: string }).code ?? 'verification failed'}`)
    }
    throw invalid('token issuer is not trusted')
  }
}
