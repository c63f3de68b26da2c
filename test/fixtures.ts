// Valid fictional identifiers and small builders for route tests.
import type { FastifyInstance } from 'fastify'
import { withUsccCheck } from '../src/domain/uscc.js'
import { idNumberCheckChar } from '../src/domain/identity.js'
import type { Actor } from '../src/security/roles.js'

/** A valid USCC: 11 (organ) + region + an organisation code derived from n + check. */
export function uscc (n: number, region = '140802'): string {
  return withUsccCheck(`11${region}${String(n).padStart(9, '0')}`)
}

/** A valid 18-character ID number for a person born on `birth` (YYYYMMDD). */
export function idNumber (seq: number, birth = '19880512', region = '140802'): string {
  const body = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`
  return body + idNumberCheckChar(body)
}

/** A distinct valid ID number for each i below 360,000 (the 1,000 sequence numbers times
 *  birthdays), for tests that register officers by the thousand. */
export function distinctIdNumber (i: number): string {
  return idNumber(i % 1000, `19${60 + Math.floor(i / 1000) % 40}0${1 + Math.floor(i / 40_000) % 9}15`)
}

/** An admin acting on the whole registry, for tests that call services directly. */
export const ADMIN_ACTOR: Actor = { principal: { sub: 'test', role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: 'test' }

/** Registers `n` officers (批量0, 批量1, …, distinct ID numbers) at `agencyId` through the service,
 *  for tests that need hundreds or thousands of them; their ids in registration order. */
export async function registerOfficers (app: FastifyInstance, agencyId: number, n: number): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < n; i++) ids.push((await app.services.officers.register(ADMIN_ACTOR, { name: `批量${i}`, idNumber: distinctIdNumber(i), agencyId })).id)
  return ids
}

type Headers = { authorization: string }

export async function post (app: FastifyInstance, headers: Headers, url: string, payload: unknown) {
  return app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> })
}

let agencySeq = 0
/** Creates an agency through the API (201 expected) and returns its body. */
export async function createAgency (app: FastifyInstance, headers: Headers, fields: Record<string, unknown> = {}) {
  const n = ++agencySeq
  const res = await post(app, headers, '/v1/agencies', {
    name: `示例主体${n}`, uscc: uscc(n), kind: 'organ', level: 'county', regionCode: '140802', domains: ['市场监管'], ...fields
  })
  if (res.statusCode !== 201) throw new Error(`agency not created: ${res.body}`)
  return res.json() as { id: number, name: string, version: number, [k: string]: unknown }
}
