// A small registry for route tests: a city with two counties (B and C), each confirmed for the
// current year, and helpers to register officers and get them to a certificate.
import type { Test } from 'tap'
import { yearOf } from '../../src/domain/dates.js'
import { buildTestApp } from '../helper.js'
import { createAgency, idNumber, post } from '../fixtures.js'

export async function registry (t: Test) {
  const ctx = await buildTestApp(t)
  const { app } = ctx
  const admin = await ctx.as('admin')
  const { today } = ctx
  const year = yearOf(today)
  const city = await createAgency(app, admin, { level: 'city', domains: ['市场监管', '城市管理'] })
  const countyB = await createAgency(app, admin, { parentId: city.id, domains: ['市场监管'] })
  const countyC = await createAgency(app, admin, { parentId: city.id, domains: ['市场监管'] })
  for (const a of [city, countyB, countyC]) {
    await post(app, admin, `/v1/agencies/${a.id}/confirmations`, { year, announcementNo: `公告〔${year}〕${a.id}号`, date: today })
  }
  const exam = (await post(app, admin, '/v1/exams', { name: `${year}年行政执法资格考试`, date: today })).json()
  let seq = 100

  /** Registers an officer (201 expected) at an agency. */
  async function officer (agencyId: number, fields: Record<string, unknown> = {}) {
    const res = await post(app, admin, '/v1/officers', { name: '张三', idNumber: idNumber(++seq, '19880512'), agencyId, phone: '13812345678', ...fields })
    if (res.statusCode !== 201) throw new Error(`officer: ${res.body}`)
    return res.json() as { id: number, idNumber: string, agencyId: number, version: number }
  }

  /** An officer with a passed exam and an active certificate at that agency. */
  async function certified (agencyId: number, fields: Record<string, unknown> = {}) {
    const o = await officer(agencyId, fields)
    await post(app, admin, `/v1/exams/${exam.id as number}/results`, { officerId: o.id, score: 80 })
    const cert = await post(app, admin, '/v1/certificates', { officerId: o.id, agencyId })
    if (cert.statusCode !== 201) throw new Error(`certificate: ${cert.body}`)
    return { officer: o, certificate: cert.json() as { id: number, number: string, status: string } }
  }

  return { ...ctx, admin, today, year, city, countyB, countyC, exam, officer, certified }
}
