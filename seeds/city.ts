// The fictional 河东市 (region codes 1499xx, a province-level prefix 14 and a prefecture code
// no real city uses), shaped like the city of policy 001: 36 city-level bodies, 13 county-level
// units with 522 bodies between them (147 townships), 558 in all. Seven city-level enforcement
// teams run 局队合一 inside their bureaus; every county but the central district keeps six
// (ecology is a branch of the city bureau in each county). Sizes are drawn around the real
// shape and scaled to the officer total asked for.
import { withUsccCheck } from '../src/domain/uscc.js'
import type { Random } from './random.js'

export type Level = 'city' | 'county' | 'township'
export type Kind = 'organ' | 'authorized' | 'entrusted'

export interface AgencyPlan {
  /** Position in the plan; agencies are created in this order. */
  readonly index: number
  readonly name: string
  readonly uscc: string
  readonly kind: Kind
  readonly level: Level
  /** Index of the parent in the plan (null: the root). */
  readonly parent: number | null
  readonly regionCode: string
  readonly domains: string[]
  /** Which professional courses its officers take: a main domain, 乡镇, or 综合. */
  readonly group: string
  /** Officers to draw (before departures and transfers). */
  size: number
  readonly police: boolean
  readonly justice: boolean
  readonly county: County | null
}

export interface County { readonly name: string, readonly code: string, readonly short: string, readonly district: boolean, readonly weight: number }

export const CITY = { name: '河东市', code: '149900', short: '河' } as const
export const MAIN_DOMAINS = ['市场监管', '生态环境', '文化市场', '交通运输', '农业', '城市管理', '应急管理'] as const
export const GROUP_TOWNSHIP = '乡镇综合执法'
export const GROUP_OTHER = '综合'

export const COUNTIES: readonly County[] = [
  { name: '涑水区', code: '149902', short: '涑', district: true, weight: 1.1 },
  { name: '临河县', code: '149921', short: '临', district: false, weight: 1 },
  { name: '中条县', code: '149922', short: '条', district: false, weight: 0.9 },
  { name: '汾阴县', code: '149923', short: '汾', district: false, weight: 1 },
  { name: '蒲坂县', code: '149924', short: '蒲', district: false, weight: 0.8 },
  { name: '虞乡县', code: '149925', short: '虞', district: false, weight: 0.8 },
  { name: '桑泉县', code: '149926', short: '桑', district: false, weight: 0.9 },
  { name: '猗氏县', code: '149927', short: '猗', district: false, weight: 1 },
  { name: '安邑县', code: '149928', short: '安', district: false, weight: 1.1 },
  { name: '王官县', code: '149929', short: '王', district: false, weight: 0.8 },
  { name: '首阳县', code: '149930', short: '首', district: false, weight: 0.9 },
  { name: '舜都市', code: '149981', short: '舜', district: false, weight: 1.3 },
  { name: '龙门市', code: '149982', short: '龙', district: false, weight: 1.2 }
]

interface Dept {
  readonly name: string
  readonly domain: string
  readonly city: number
  /** 0: no such body in the counties. */
  readonly county: number
  readonly team?: string
  readonly kind?: Kind
  readonly police?: boolean
  readonly justice?: boolean
}

const TEAMS: readonly Dept[] = [
  { name: '市场监督管理局', domain: '市场监管', city: 360, county: 110, team: '市场监管' },
  { name: '生态环境局', domain: '生态环境', city: 220, county: 0, team: '生态环境' },
  { name: '文化和旅游局', domain: '文化市场', city: 90, county: 25, team: '文化市场' },
  { name: '交通运输局', domain: '交通运输', city: 260, county: 60, team: '交通运输' },
  { name: '农业农村局', domain: '农业', city: 130, county: 55, team: '农业' },
  { name: '城市管理局', domain: '城市管理', city: 300, county: 70, team: '城市管理' },
  { name: '应急管理局', domain: '应急管理', city: 110, county: 35, team: '应急管理' }
]

const OTHERS: readonly Dept[] = [
  { name: '司法局', domain: '司法行政', city: 40, county: 14, justice: true },
  { name: '公安局', domain: '公安', city: 30, county: 10, police: true },
  { name: '自然资源局', domain: '自然资源', city: 60, county: 25 },
  { name: '住房和城乡建设局', domain: '住房城乡建设', city: 50, county: 20 },
  { name: '水利局', domain: '水利', city: 35, county: 14 },
  { name: '卫生健康委员会', domain: '卫生健康', city: 60, county: 24 },
  { name: '教育局', domain: '教育', city: 20, county: 10 },
  { name: '人力资源和社会保障局', domain: '人力资源社会保障', city: 30, county: 12 },
  { name: '医疗保障局', domain: '医疗保障', city: 25, county: 10 },
  { name: '林业局', domain: '林业', city: 30, county: 14 },
  { name: '民政局', domain: '民政', city: 15, county: 6 },
  { name: '商务局', domain: '商务', city: 15, county: 6 },
  { name: '发展和改革委员会', domain: '发展改革', city: 15, county: 6 },
  { name: '统计局', domain: '统计', city: 12, county: 5 },
  { name: '退役军人事务局', domain: '退役军人事务', city: 8, county: 4 },
  { name: '财政局', domain: '财政', city: 12, county: 6 },
  { name: '审计局', domain: '审计', city: 12, county: 5 },
  { name: '气象局', domain: '气象', city: 10, county: 4, kind: 'authorized' },
  { name: '工业和信息化局', domain: '工业和信息化', city: 15, county: 6 },
  { name: '行政审批服务管理局', domain: '行政审批', city: 20, county: 8 },
  { name: '能源局', domain: '能源', city: 12, county: 4 },
  { name: '体育局', domain: '体育', city: 8, county: 0 },
  { name: '档案局', domain: '档案', city: 5, county: 0 },
  { name: '人民防空办公室', domain: '人民防空', city: 8, county: 0 },
  { name: '烟草专卖局', domain: '烟草专卖', city: 25, county: 0 },
  { name: '住房公积金管理中心', domain: '住房公积金', city: 10, county: 0, kind: 'authorized' },
  { name: '地震监测中心', domain: '防震减灾', city: 5, county: 0, kind: 'entrusted' },
  { name: '粮食和物资储备局', domain: '粮食和物资储备', city: 8, county: 0 }
]

const TOWNSHIP_DOMAINS = ['城市管理', '农业', '自然资源', '应急管理']
const GOVERNMENT_DOMAINS = ['综合行政执法']
const SYLLABLE_1 = [...'东西南北上下古新龙凤安平永兴三五七金石柳杨桃高胡张郭马白黄青红太中汾条首蒲解桑庙卧磨']
const SYLLABLE_2 = [...'村庄城关口坡岭泉峪店堡寨河桥阳原湾沟营坊滩头渠池堆']

// GB 11714 organisation code: 8 characters and a check character (weights 3 7 9 10 5 8 4 2).
function organisationCode (n: number): string {
  const body = String(n).padStart(8, '0')
  const weights = [3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, c, i) => s + Number(c) * (weights[i] as number), 0)
  const c = 11 - (sum % 11)
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c))
}

function usccFor (index: number, kind: Kind, region: string): string {
  // 1 = registered by the establishment office (机构编制); 1 = organ, 2 = public institution.
  return withUsccCheck(`1${kind === 'organ' ? '1' : '2'}${region}${organisationCode(11_300_000 + index * 37)}`)
}

function townshipNames (rnd: Random, county: County, count: number): string[] {
  const names = new Set<string>()
  while (names.size < count) {
    const stem = rnd.pick(SYLLABLE_1) + rnd.pick(SYLLABLE_2)
    const suffix = county.district ? rnd.weighted([['街道办事处', 8], ['镇人民政府', 2]]) : rnd.weighted([['镇人民政府', 6], ['乡人民政府', 3], ['街道办事处', 1]])
    if ([...names].some((n) => n.startsWith(stem))) continue
    names.add(stem + suffix)
  }
  return [...names]
}

/** The 558 bodies of 河东市, parents before children, sized to about `officers` in all. With
 *  fewer `counties` (a smaller demo, same proportions) the district is the first to go. */
export function planCity (rnd: Random, officers: number, counties = COUNTIES.length): AgencyPlan[] {
  const plan: AgencyPlan[] = []
  const add = (a: Omit<AgencyPlan, 'index' | 'uscc'>): number => {
    const index = plan.length
    plan.push({ ...a, index, uscc: usccFor(index, a.kind, a.regionCode) })
    return index
  }
  const base = { police: false, justice: false, county: null }
  const root = add({ ...base, name: `${CITY.name}人民政府`, kind: 'organ', level: 'city', parent: null, regionCode: CITY.code, domains: GOVERNMENT_DOMAINS, group: GROUP_OTHER, size: 10 })
  const cityEcology = new Map<string, number>()
  for (const d of [...TEAMS, ...OTHERS]) {
    const name = d.team ? `${CITY.name}${d.name}（${d.team}综合行政执法支队）` : `${CITY.name}${d.name}`
    const i = add({ ...base, name, kind: d.kind ?? 'organ', level: 'city', parent: root, regionCode: CITY.code, domains: [d.domain], group: d.team ?? GROUP_OTHER, size: d.city, police: d.police ?? false, justice: d.justice ?? false })
    if (d.domain === '生态环境') cityEcology.set('city', i)
  }
  // Four counties also keep a civil air defence office; the remaining bodies are townships.
  const withAirDefence = new Set(['涑水区', '舜都市', '龙门市', '安邑县'])
  for (const county of counties >= COUNTIES.length ? COUNTIES : COUNTIES.slice(1, 1 + counties)) {
    const inCounty = { ...base, county, regionCode: county.code }
    const size = (n: number) => Math.round(n * county.weight)
    const gov = add({ ...inCounty, name: `${county.name}人民政府`, kind: 'organ', level: 'county', parent: root, domains: GOVERNMENT_DOMAINS, group: GROUP_OTHER, size: 6 })
    add({ ...inCounty, name: `${CITY.name}生态环境局${county.name.slice(0, 2)}分局`, kind: 'organ', level: 'county', parent: cityEcology.get('city') ?? root, domains: ['生态环境'], group: '生态环境', size: size(30) })
    if (!county.district) {
      for (const d of TEAMS.filter((t) => t.county > 0)) {
        add({ ...inCounty, name: `${county.name}${d.name}（${d.team ?? ''}综合行政执法大队）`, kind: 'organ', level: 'county', parent: gov, domains: [d.domain], group: d.team ?? GROUP_OTHER, size: size(d.county) })
      }
    }
    for (const d of OTHERS.filter((o) => o.county > 0 || (o.domain === '人民防空' && withAirDefence.has(county.name)))) {
      const name = `${county.name}${d.name === '发展和改革委员会' ? '发展和改革局' : d.name === '卫生健康委员会' ? '卫生健康局' : d.name}`
      add({ ...inCounty, name, kind: d.kind ?? 'organ', level: 'county', parent: gov, domains: [d.domain], group: GROUP_OTHER, size: size(d.county || 3), police: d.police ?? false, justice: d.justice ?? false })
    }
    const townships = county.district ? 15 : 11
    for (const name of townshipNames(rnd, county, townships)) {
      add({ ...inCounty, name: `${county.name}${name}`, kind: 'organ', level: 'township', parent: gov, domains: TOWNSHIP_DOMAINS, group: GROUP_TOWNSHIP, size: rnd.int(4, 14) })
    }
  }
  // Jitter every size by ±20 %, then scale so the whole city has about `officers`.
  const raw = plan.map((a) => a.size * (0.8 + rnd.next() * 0.4))
  const factor = officers / raw.reduce((s, n) => s + n, 0)
  plan.forEach((a, i) => { a.size = Math.max(1, Math.round((raw[i] as number) * factor)) })
  return plan
}
