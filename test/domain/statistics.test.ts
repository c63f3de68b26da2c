import t from 'tap'
import {
  agencyOn,
  addCounts, bucketKeys, groupCounts, monthsOf, present, rate, shanghaiDayEnd, shanghaiYearInstants, zeroCounts, type AgencyPlace, type Counts
} from '../../src/domain/statistics.js'

t.test('a rate keeps its integers and is rounded once, half up, to a tenth of a percent', async (t) => {
  const cases: Array<[number, number, number | null]> = [
    [0, 0, null], // no denominator: no rate, not 0 %
    [0, 5, 0],
    [1, 3, 33.3],
    [2, 3, 66.7],
    [1, 8, 12.5],
    [1, 16, 6.3], // 6.25 → 6.3 (half up)
    [1, 2000, 0.1], // 0.05 → 0.1
    [1, 2001, 0],
    [7, 7, 100],
    [8853, 8854, 100], // 99.988… → 100.0
    [8800, 8854, 99.4]
  ]
  for (const [n, d, percent] of cases) t.same(rate(n, d), { numerator: n, denominator: d, percent }, `${n}/${d}`)
})

const counts = (f: (c: Counts) => void): Counts => { const c = zeroCounts(); f(c); return c }

t.test('counts add leaf by leaf; the rate and the average are drawn from the sums', async (t) => {
  const a = counts((c) => { c.training.compliant = 2; c.training.nonCompliant = 1; c.training.units = 90 * 150; c.officers.active = 3 })
  const b = counts((c) => { c.training.compliant = 1; c.training.atRisk = 1; c.training.notApplicable = 4; c.training.units = 90 * 65 + 45; c.officers.active = 6 })
  const sum = addCounts(zeroCounts(), a)
  addCounts(sum, b)
  t.equal(sum.officers.active, 9)
  const shown = present(sum)
  t.same(shown.training, { compliant: 3, onTrack: 0, atRisk: 1, nonCompliant: 1, notApplicable: 4, applicable: 5, complianceRate: { numerator: 3, denominator: 5, percent: 60 }, averageHours: 43.1 }, '215.5 学时 over 5 → 43.1')
  t.notOk('units' in shown.training, 'the raw units stay inside')
  t.same(present(zeroCounts()).training.averageHours, null, 'nobody owes 学时: no average')
  t.equal(a.training.compliant, 2, 'adding into a sum leaves the parts alone')
})

const place = (id: number, over: Partial<AgencyPlace> = {}): AgencyPlace =>
  ({ id, name: `机构${id}`, kind: 'organ', level: 'county', regionCode: '140802', domains: ['市场监管'], depth: 1, ...over })

t.test('the buckets an agency counts in', async (t) => {
  const a = place(7, { domains: ['市场监管', '城市管理', '市场监管'] })
  const cases: Array<[Parameters<typeof bucketKeys>[1], string[]]> = [
    ['agency', ['7']], ['region', ['140802']], ['level', ['county']], ['kind', ['organ']], ['domain', ['市场监管', '城市管理']]
  ]
  for (const [by, keys] of cases) t.same(bucketKeys(a, by), keys, by)
  t.same(bucketKeys(place(8, { domains: [] }), 'domain'), ['未登记领域'], 'no domain recorded: a bucket of its own')
})

t.test('grouping: stable order and Chinese labels', async (t) => {
  const one = counts((c) => { c.agencies.total = 1 })
  const rows = [
    { place: place(12, { level: 'township', kind: 'entrusted', regionCode: '140821', depth: 2 }), counts: one },
    { place: place(3, { level: 'city', name: '河东市人民政府', regionCode: '140800', depth: 0 }), counts: one },
    { place: place(5, { level: 'county', kind: 'authorized', regionCode: '140821', name: '河东县人民政府', depth: 1 }), counts: one },
    { place: place(9, { level: 'county', regionCode: '140821', depth: 1 }), counts: one }
  ]
  t.same(groupCounts(rows, 'agency').map((b) => b.key), ['3', '5', '9', '12'], 'agencies by id, numerically')
  t.same(groupCounts(rows, 'level').map((b) => [b.label, b.counts.agencies.total]), [['市级', 1], ['县级', 2], ['乡镇级', 1]], 'levels top down')
  t.same(groupCounts(rows, 'kind').map((b) => b.label), ['行政机关', '法律法规授权组织', '受委托组织'], 'kinds in the law\'s order')
  t.same(groupCounts(rows, 'region').map((b) => [b.key, b.label, b.counts.agencies.total]), [['140800', '河东市（140800）', 1], ['140821', '河东县（140821）', 3]],
    'a region is named after its topmost agency (the lowest id among equals)')
  t.equal(rows[0]!.counts.agencies.total, 1, 'the agencies\' own counts are not changed by grouping')
})

t.test('a Shanghai year in UTC instants, and its months', async (t) => {
  t.same(shanghaiYearInstants(2026), { from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' })
  t.same(shanghaiYearInstants(2028).to, '2028-12-31T16:00:00.000Z')
  for (const [day, end] of [['2025-12-31', '2025-12-31T16:00:00.000Z'], ['2028-02-28', '2028-02-28T16:00:00.000Z'], ['2028-02-29', '2028-02-29T16:00:00.000Z'], ['2026-01-01', '2026-01-01T16:00:00.000Z']]) {
    t.equal(shanghaiDayEnd(day as string), end, `${day as string} is over in Shanghai at ${end as string}`)
  }
  t.same(monthsOf(2026), ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12'])
})

t.test('an agency as it stood on a day: absent before it was registered, ended from the day it ended on', async (t) => {
  const day = '2025-12-31'
  const end = shanghaiDayEnd(day)
  const cases: Array<[Parameters<typeof agencyOn>[0], ReturnType<typeof agencyOn>]> = [
    [{ status: 'active', endedOn: null, createdAt: '2025-03-01T02:00:00.000Z' }, 'active'],
    [{ status: 'active', endedOn: null, createdAt: '2025-12-31T15:59:59.999Z' }, 'active'], // 23:59:59 on the day, Shanghai
    [{ status: 'active', endedOn: null, createdAt: '2025-12-31T16:00:00.000Z' }, 'absent'], // 00:00 the next day
    [{ status: 'merged', endedOn: '2026-02-01', createdAt: '2024-01-01T00:00:00.000Z' }, 'active'],
    [{ status: 'merged', endedOn: '2025-12-31', createdAt: '2024-01-01T00:00:00.000Z' }, 'merged'],
    [{ status: 'dissolved', endedOn: null, createdAt: '2024-01-01T00:00:00.000Z' }, 'dissolved']
  ]
  for (const [a, was] of cases) t.equal(agencyOn(a, day, end), was, `${a.status} ended ${a.endedOn ?? '—'}, registered ${a.createdAt}`)
})
