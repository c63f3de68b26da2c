// The registry of test/core/setup.ts (a city with two confirmed counties, an exam) on a clock the
// test can move forward, and a helper to ask POST /v1/eligibility.
import type { Test } from 'tap'
import type { Config } from '../../src/config.js'
import { shanghaiDate, yearOf } from '../../src/domain/dates.js'
import { buildTestApp, testClock } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

type Headers = { authorization: string }

export interface Answer {
  at: string
  domain: string
  agencyId: number | null
  results: Array<{ officerId: number | null, certificateNumber?: string, eligible: boolean, reasons: Array<{ code: string, detail: string }>, certificate: { id: number, number: string, agencyId: number, status: string, validUntil: string, domains: string[] } | null }>
  team: { eligibleCount: number, minimum: number, sufficient: boolean }
}

export async function world (t: Test, overrides: Partial<Config> = {}) {
  let shift = 0
  const flowing = testClock()
  const clock = () => new Date(flowing().getTime() + shift)
  const ctx = await buildTestApp(t, { LOG_LEVEL: 'silent', ...overrides }, { clock })
  const { app } = ctx
  const admin = await ctx.as('admin')
  const today = shanghaiDate(clock())
  const year = yearOf(today)
  const city = await createAgency(app, admin, { level: 'city', domains: ['市场监管', '城市管理'] })
  const countyB = await createAgency(app, admin, { parentId: city.id, domains: ['市场监管'] })
  const countyC = await createAgency(app, admin, { parentId: city.id, domains: ['市场监管'] })
  const confirm = async (id: number) => {
    const res = await post(app, admin, `/v1/agencies/${id}/confirmations`, { year, announcementNo: `公告〔${year}〕${id}号`, date: today })
    if (res.statusCode !== 201) throw new Error(`confirmation: ${res.body}`)
  }
  for (const a of [city, countyB, countyC]) await confirm(a.id)
  const exam = (await post(app, admin, '/v1/exams', { name: `${year}年行政执法资格考试`, date: today })).json() as { id: number }
  let seq = 300

  async function officer (agencyId: number, fields: Record<string, unknown> = {}) {
    const res = await post(app, admin, '/v1/officers', { name: '李四', idNumber: idNumber(++seq, '19900203'), agencyId, ...fields })
    if (res.statusCode !== 201) throw new Error(`officer: ${res.body}`)
    return res.json() as { id: number }
  }

  async function certified (agencyId: number, fields: Record<string, unknown> = {}) {
    const o = await officer(agencyId, fields)
    await post(app, admin, `/v1/exams/${exam.id}/results`, { officerId: o.id, score: 85 })
    const cert = await post(app, admin, '/v1/certificates', { officerId: o.id, agencyId })
    if (cert.statusCode !== 201) throw new Error(`certificate: ${cert.body}`)
    return { officer: o, certificate: cert.json() as { id: number, number: string, validUntil: string } }
  }

  /** POST /v1/eligibility as `headers`; the raw response. */
  const ask = async (headers: Headers, body: Record<string, unknown>) => await app.inject({ method: 'POST', url: '/v1/eligibility', headers, payload: body })
  /** The same, expecting 200: the answer. */
  async function check (headers: Headers, body: Record<string, unknown>): Promise<Answer> {
    const res = await ask(headers, body)
    if (res.statusCode !== 200) throw new Error(`eligibility ${res.statusCode}: ${res.body}`)
    return res.json() as Answer
  }

  return { ...ctx, admin, today, year, city, countyB, countyC, exam, confirm, officer, certified, ask, check, clock, advance (ms: number) { shift += ms } }
}
