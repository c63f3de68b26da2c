// B9: POST /v1/eligibility for two officers (a case step's team), with the clerk's token, under
// the same load as B1 (50 connections), against B1's point read GET /v1/officers/{id} loaded in
// turn with it in the same rounds. Bar: at least half its requests per second.
import autocannon from 'autocannon'
import { load, type LoadResult } from './load.js'
import type { Context, Row } from './measures.js'

const ROUNDS = 5
const BAR = 0.5
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** `bodies` POSTed to `path` in rotation by 50 connections for `seconds`. */
async function postLoad (url: string, path: string, auth: string, bodies: readonly string[], seconds: number): Promise<LoadResult> {
  let i = 0
  const startedAt = performance.now()
  return await new Promise((resolve, reject) => {
    autocannon({
      url,
      connections: 50,
      duration: seconds,
      headers: { authorization: auth, 'content-type': 'application/json' },
      requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, method: 'POST', path, body: bodies[i++ % bodies.length] as string }) }]
    }, (err, r) => {
      if (err) { reject(err); return }
      resolve({ rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts, slots: [], startedAt })
    })
  })
}

export async function b9 (ctx: Context): Promise<Row> {
  const { url } = ctx.server
  const ids = ctx.clerkOfficerIds
  // Each pair asked about its first officer's agency's domain, so that most answers judge a card
  // that covers it (the whole rule runs, not a shortcut).
  const domainRows = await ctx.database.rows<{ id: number, domains: string | string[] }>(
    `select o.id as id, a.domains as domains from officers o join agencies a on a.id = o.agency_id where o.id in (${ids.join(',')})`)
  const domainOf = new Map(domainRows.map((r) => [Number(r.id), (typeof r.domains === 'string' ? JSON.parse(r.domains) as string[] : r.domains)[0] ?? '市场监管']))
  const bodies: string[] = []
  for (let k = 0; k + 1 < ids.length; k += 2) {
    const [a, b] = [ids[k] as number, ids[k + 1] as number]
    bodies.push(JSON.stringify({ officerIds: [a, b], domain: domainOf.get(a) ?? '市场监管' }))
  }
  const seconds = Math.max(2, Math.round(ctx.seconds * 0.3))
  const read = { url, paths: ids.map((id) => `/v1/officers/${id}`), headers: { authorization: ctx.clerkAuth }, seconds }
  const ask = async (s: number) => await postLoad(url, '/v1/eligibility', ctx.clerkAuth, bodies, s)
  await load({ ...read, seconds: 2 })
  await ask(2)
  const rounds: Array<{ read: LoadResult, eligibility: LoadResult }> = []
  for (let i = 0; i < ROUNDS; i++) {
    // The order swapped every other round, so a drift weighs on both alike.
    if (i % 2 === 0) {
      const r = await load(read)
      rounds.push({ read: r, eligibility: await ask(seconds) })
    } else {
      const e = await ask(seconds)
      rounds.push({ read: await load(read), eligibility: e })
    }
  }
  const ratios = rounds.map((r) => r.eligibility.rps / r.read.rps)
  const chosen = rounds[ratios.indexOf(median(ratios))] as typeof rounds[number]
  const { eligibility, read: ceiling } = chosen
  const ratio = eligibility.rps / ceiling.rps
  const clean = eligibility.non2xx === 0 && eligibility.errors === 0 && ceiling.non2xx === 0
  return {
    id: 'B9',
    what: 'POST /v1/eligibility for 2 officers, clerk token (one city), 50 connections',
    figure: `${fmt(eligibility.rps)} req/s`,
    ceiling: `${fmt(ceiling.rps)} req/s`,
    ratio,
    bar: `≥ ${fmt(BAR, 2)}`,
    met: clean && ratio >= BAR,
    note: `ceiling: B1's route, GET /v1/officers/{id}, loaded in turn in each round; ${bodies.length} pairs in rotation; median of ${ROUNDS} rounds (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')}); p50 ${eligibility.p50Ms} ms, p99 ${eligibility.p99Ms} ms${clean ? '' : `; ${eligibility.non2xx} non-2xx, ${eligibility.errors} errors`}`,
    data: { rps: eligibility.rps, ceilingRps: ceiling.rps, p50Ms: eligibility.p50Ms, p99Ms: eligibility.p99Ms, non2xx: eligibility.non2xx, errors: eligibility.errors, roundRatios: ratios }
  }
}
