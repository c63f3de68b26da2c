// Valid fictional identifiers and small builders for route tests.
import type { FastifyInstance } from 'fastify'
import { withUsccCheck } from '../src/domain/uscc.js'
import { idNumberCheckChar } from '../src/domain/identity.js'

/** A valid USCC: 11 (organ) + region + an organisation code derived from n + check. */
export function uscc (n: number, region = '140802'): string {
  return withUsccCheck(`11${region}${String(n).padStart(9, '0')}`)
}

/** A valid 18-character ID number for a person born on `birth` (YYYYMMDD). */
export function idNumber (seq: number, birth = '19880512', region = '140802'): string {
  const body = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`
  return body + idNumberCheckChar(body)
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
