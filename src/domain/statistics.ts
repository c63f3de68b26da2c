// The bureau's statistics (统计年报, 004 line 89 "落实行政执法统计年报制度"; 000 line 55 "健全行政执法
// 评议考核、统计分析制度"): counts per agency, added up into buckets (by agency, region, level, kind
// or domain), and the rates drawn from them. Counts are integers and are only ever added; a rate
// keeps its numerator and denominator and is rounded once, for display, to a tenth of a percent.
import { roundDiv } from './integers.js'
import { UNITS_PER_HOUR } from './hours.js'

export const GROUP_BY = ['agency', 'region', 'level', 'domain', 'kind'] as const
export type GroupBy = typeof GROUP_BY[number]

/** What one agency contributes; every leaf a count. */
export interface Counts {
  agencies: { total: number, active: number, confirmed: number, confirmationDue: number, merged: number, dissolved: number }
  officers: { active: number, auxiliary: number, police: number, legalReviewers: number, supervisors: number }
  certificates: { live: number, active: number, suspended: number, issued: number, revoked: number, cancelled: number, awaitingRecall: number }
  /** Officers by standing (rule 3); `units`: the 学时 (in 1/90) credited to those a minimum applies to. */
  training: { compliant: number, onTrack: number, atRisk: number, nonCompliant: number, notApplicable: number, units: number }
  /** Active agencies under rule 4, those short of legal reviewers, and the reviewers missing. */
  staffing: { agencies: number, shortfallAgencies: number, reviewersShort: number }
  /** 年度考核 grades given for the year, by the officer's agency. */
  assessments: { excellent: number, competent: number, basicallyCompetent: number, incompetent: number }
}

export interface Rate { numerator: number, denominator: number, percent: number | null }

/** numerator / denominator as a percentage rounded half up to one decimal, once; null when the
 *  denominator is 0 (no rate, not 0%). */
export function rate (numerator: number, denominator: number): Rate {
  return { numerator, denominator, percent: denominator === 0 ? null : roundDiv(numerator * 1000, denominator) / 10 }
}

/** Counts of nothing: the start of every sum. */
export function zeroCounts (): Counts {
  return {
    agencies: { total: 0, active: 0, confirmed: 0, confirmationDue: 0, merged: 0, dissolved: 0 },
    officers: { active: 0, auxiliary: 0, police: 0, legalReviewers: 0, supervisors: 0 },
    certificates: { live: 0, active: 0, suspended: 0, issued: 0, revoked: 0, cancelled: 0, awaitingRecall: 0 },
    training: { compliant: 0, onTrack: 0, atRisk: 0, nonCompliant: 0, notApplicable: 0, units: 0 },
    staffing: { agencies: 0, shortfallAgencies: 0, reviewersShort: 0 },
    assessments: { excellent: 0, competent: 0, basicallyCompetent: 0, incompetent: 0 }
  }
}

/** Adds `b` into `a`, leaf by leaf; returns `a`. */
export function addCounts (a: Counts, b: Counts): Counts {
  for (const section of Object.keys(a) as Array<keyof Counts>) {
    const into = a[section] as unknown as Record<string, number>
    for (const [k, v] of Object.entries(b[section])) into[k] = (into[k] ?? 0) + (v as number)
  }
  return a
}

/** A bucket as reported: its counts, with the training rate and average 学时 drawn from them.
 *  `applicable`: officers a minimum applies to (every standing but not_applicable), the rate's
 *  denominator; the average is over them too. */
export function present (c: Counts) {
  const t = c.training
  const applicable = t.compliant + t.onTrack + t.atRisk + t.nonCompliant
  const { units, ...standings } = t
  return {
    ...c,
    training: {
      ...standings,
      applicable,
      complianceRate: rate(t.compliant, applicable),
      averageHours: applicable === 0 ? null : roundDiv(units * 10, applicable * UNITS_PER_HOUR) / 10
    }
  }
}

/** What grouping needs to know of an agency. */
export interface AgencyPlace {
  readonly id: number
  readonly name: string
  readonly kind: 'organ' | 'authorized' | 'entrusted'
  readonly level: 'province' | 'city' | 'county' | 'township'
  readonly regionCode: string
  readonly domains: readonly string[]
  /** Depth in the tree (the number of ancestors): a region is named after its topmost agency. */
  readonly depth: number
}

export const LEVEL_LABELS = { province: '省级', city: '市级', county: '县级', township: '乡镇级' } as const
export const KIND_LABELS = { organ: '行政机关', authorized: '法律法规授权组织', entrusted: '受委托组织' } as const
const LEVEL_ORDER = Object.keys(LEVEL_LABELS)
const KIND_ORDER = Object.keys(KIND_LABELS)

/** The buckets an agency counts in: one, except by domain, where it counts in each of its
 *  domains (so domain buckets may add up to more than the total). */
export function bucketKeys (a: AgencyPlace, by: GroupBy): string[] {
  switch (by) {
    case 'agency': return [String(a.id)]
    case 'region': return [a.regionCode]
    case 'level': return [a.level]
    case 'kind': return [a.kind]
    case 'domain': return a.domains.length === 0 ? ['未登记领域'] : [...new Set(a.domains)]
  }
}

export interface Bucket { key: string, label: string, counts: Counts }

/** Sums every agency's counts into the buckets of `by`, in a stable order: agencies by id,
 *  levels and kinds in their legal order, regions by code, domains by name. A region's label is
 *  its topmost agency's name (its 人民政府), with the code. */
export function groupCounts (rows: ReadonlyArray<{ place: AgencyPlace, counts: Counts }>, by: GroupBy): Bucket[] {
  const buckets = new Map<string, Bucket>()
  const namer = new Map<string, AgencyPlace>()
  for (const { place, counts } of rows) {
    for (const key of bucketKeys(place, by)) {
      let b = buckets.get(key)
      if (b === undefined) buckets.set(key, b = { key, label: key, counts: zeroCounts() })
      addCounts(b.counts, counts)
      const top = namer.get(key)
      if (top === undefined || place.depth < top.depth || (place.depth === top.depth && place.id < top.id)) namer.set(key, place)
    }
  }
  for (const b of buckets.values()) b.label = labelOf(b.key, by, namer.get(b.key))
  const order = (x: Bucket) => by === 'level' ? LEVEL_ORDER.indexOf(x.key) : by === 'kind' ? KIND_ORDER.indexOf(x.key) : by === 'agency' ? Number(x.key) : 0
  return [...buckets.values()].sort((x, y) => order(x) - order(y) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
}

function labelOf (key: string, by: GroupBy, top: AgencyPlace | undefined): string {
  switch (by) {
    case 'agency': return top?.name ?? key
    case 'region': return top === undefined ? key : `${top.name.replace(/人民政府$/, '')}（${key}）`
    case 'level': return LEVEL_LABELS[key as keyof typeof LEVEL_LABELS] ?? key
    case 'kind': return KIND_LABELS[key as keyof typeof KIND_LABELS] ?? key
    case 'domain': return key
  }
}

/** The instants a calendar year of Asia/Shanghai (UTC+8, no summer time) spans, as the audit and
 *  certificate events stamp time (RFC 3339 in UTC): from (inclusive) to (exclusive). */
export function shanghaiYearInstants (year: number): { from: string, to: string } {
  const start = (y: number) => new Date(Date.UTC(y, 0, 1) - 8 * 3600_000).toISOString()
  return { from: start(year), to: start(year + 1) }
}

/** The twelve months of `year`, 'YYYY-MM'. */
export function monthsOf (year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${String(year).padStart(4, '0')}-${String(i + 1).padStart(2, '0')}`)
}

/** The instant a day of Asia/Shanghai is over (the next day's first instant), RFC 3339 in UTC. */
export function shanghaiDayEnd (day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + 1) - 8 * 3600_000).toISOString()
}

/** What an agency was on `day` (Asia/Shanghai), its day ending at `dayEnd` (shanghaiDayEnd):
 *  absent when registered after it (`createdAt`, RFC 3339 UTC), merged or dissolved from the day
 *  it ended on, active before. */
export function agencyOn (a: { status: 'active' | 'merged' | 'dissolved', endedOn: string | null, createdAt: string }, day: string, dayEnd: string): 'absent' | 'active' | 'merged' | 'dissolved' {
  if (a.createdAt >= dayEnd) return 'absent'
  return a.status !== 'active' && (a.endedOn === null || a.endedOn <= day) ? a.status : 'active'
}
