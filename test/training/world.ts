// A small registry for training tests: a city with two counties (B and C) below it, tokens for
// each, and builders for officers, trainings and summaries. "Today" is fixed by the clock.
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../src/config.js'
import { buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

/** 2026-06-15 in Asia/Shanghai. */
export const NOW = new Date('2026-06-15T04:00:00Z')

export { ADMIN_ACTOR } from '../fixtures.js'

type Headers = { authorization: string }

/** POSTs a training (30 学时 public-law in March 2026 unless overridden); returns the response. */
export const postTraining = (app: FastifyInstance, headers: Headers, fields: Record<string, unknown> = {}) =>
  post(app, headers, '/v1/trainings', {
    title: '行政执法培训', category: 'public_law', hours: 30, startDate: '2026-03-01', endDate: '2026-03-02', mode: 'offline', provider: '市司法局', ...fields
  })

/** Creates a training (201 expected) and returns its id. */
export async function newTraining (app: FastifyInstance, headers: Headers, fields: Record<string, unknown> = {}): Promise<number> {
  const res = await postTraining(app, headers, fields)
  if (res.statusCode !== 201) throw new Error(`training not created: ${res.statusCode} ${res.body}`)
  return res.json().id as number
}

export async function world (t: Test, overrides: Partial<Config> = {}, now: Date = NOW) {
  const ctx = await buildTestApp(t, overrides, { clock: () => now })
  const { app } = ctx
  const admin = await ctx.as('admin')
  const city = await createAgency(app, admin, { level: 'city' })
  const countyB = await createAgency(app, admin, { parentId: city.id })
  const countyC = await createAgency(app, admin, { parentId: city.id })
  const hrB = await ctx.as('hr', countyB.id)
  const hrC = await ctx.as('hr', countyC.id)
  let seq = 0

  /** Registers an officer through the API and returns its body. */
  async function officer (agencyId: number, fields: Record<string, unknown> = {}) {
    seq++
    const res = await post(app, admin, '/v1/officers', { name: `人员${seq}`, idNumber: idNumber(seq, '19880512'), agencyId, ...fields })
    if (res.statusCode !== 201) throw new Error(`officer not created: ${res.body}`)
    return res.json() as { id: number, agencyId: number }
  }

  const createTraining = (headers: Headers, fields: Record<string, unknown> = {}) => postTraining(app, headers, fields)
  const training = (headers: Headers, fields: Record<string, unknown> = {}) => newTraining(app, headers, fields)

  const attend = (headers: Headers, trainingId: number, officerIds: number[]) =>
    post(app, headers, `/v1/trainings/${trainingId}/attendances`, { officerIds })

  const record = (headers: Headers, fields: Record<string, unknown>) =>
    post(app, headers, '/v1/training-records', { category: 'public_law', hours: 1, date: '2026-04-01', evidence: '结业证书 No. 1', ...fields })

  const summary = (headers: Headers, officerId: number, query = '') =>
    app.inject({ method: 'GET', url: `/v1/officers/${officerId}/training-summary${query}`, headers })

  return { ...ctx, admin, city, countyB, countyC, hrB, hrC, officer, createTraining, training, attend, record, summary }
}
