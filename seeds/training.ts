// Three years of training: a catalogue per year (online courses stated in 学时, lectures and
// case seminars given only in minutes, offline classes of two or three days), then each
// officer's attendance, drawn so that about nine in ten meet 30 + 30 学时 (or, this year, the
// share expected by today) and the rest fall short in one bucket or both. Where the catalogue
// cannot cover someone who should comply (a late joiner), an external record tops them up.
import { addDays, compareDates, dayOfYear, daysInYear, endOfYear, isoDate, startOfYear, type IsoDate } from '../src/domain/dates.js'
import { COUNTIES, GROUP_OTHER, GROUP_TOWNSHIP, MAIN_DOMAINS, type AgencyPlan, type County } from './city.js'
import type { SeedCalendar } from './calendar.js'
import type { OfficerPlan } from './officers.js'
import type { Random } from './random.js'

export type Category = 'public_law' | 'professional'

export interface TrainingPlan {
  readonly title: string
  readonly category: Category
  readonly hours?: number
  readonly minutes?: number
  readonly units: number
  readonly startDate: IsoDate
  readonly endDate: IsoDate
  readonly mode: 'online' | 'offline'
  readonly provider: string
  readonly organiser: AgencyPlan | null
  /** Who may attend: a professional group, a county (轮训), or everyone. */
  readonly group: string | null
  readonly county: County | null | 'city'
  readonly attendees: OfficerPlan[]
  id?: number
}

export interface ExternalPlan {
  readonly officer: OfficerPlan
  readonly category: Category
  readonly hours: number
  readonly date: IsoDate
  readonly title: string
  readonly provider: string
  readonly evidence: string
}

const PROVIDER = '河东市司法局'
const UNITS_PER_HOUR = 90
const REQUIRED = 30 * UNITS_PER_HOUR
const EXTERNAL = [
  { title: '市委党校法治专题研修班', provider: '中共河东市委党校' },
  { title: '省司法厅行政执法人员网络学法', provider: '省司法厅' },
  { title: '新任行政执法人员岗前培训', provider: '河东市司法局' },
  { title: '国家法官学院公开课（行政法）', provider: '国家法官学院' }
] as const

function catalogue (y: number, cal: SeedCalendar, organisers: Map<string, AgencyPlan>): TrainingPlan[] {
  const out: TrainingPlan[] = []
  const add = (t: Omit<TrainingPlan, 'units' | 'attendees'>) => {
    if (compareDates(t.endDate, cal.today) > 0) return
    out.push({ ...t, units: t.hours !== undefined ? Math.round(t.hours * UNITS_PER_HOUR) : (t.minutes ?? 0) * 2, attendees: [] })
  }
  const justice = organisers.get('司法行政') ?? null
  const halves = [[isoDate(y, 1, 1), isoDate(y, 6, 26), '上'], [isoDate(y, 7, 1), isoDate(y, 12, 11), '下']] as const
  for (const [start, end, half] of halves) {
    add({ title: `${y}年${half}半年公共法律知识网络培训`, category: 'public_law', hours: 15, startDate: start, endDate: end, mode: 'online', provider: `${PROVIDER}（法治河东网络学院）`, organiser: justice, group: null, county: null })
    for (const g of [...MAIN_DOMAINS, GROUP_TOWNSHIP, GROUP_OTHER]) {
      add({ title: `${y}年${half}半年${g}专业法律知识网络课程`, category: 'professional', hours: 15, startDate: start, endDate: end, mode: 'online', provider: '河东市行政执法网络学院', organiser: organisers.get(g) ?? justice, group: g, county: null })
    }
  }
  for (let m = 1; m <= 12; m++) {
    const d = isoDate(y, m, 18)
    add({ title: `行政执法大讲堂（${y}年第${m}讲）`, category: 'public_law', minutes: 180, startDate: d, endDate: d, mode: 'offline', provider: PROVIDER, organiser: null, group: null, county: null })
    if (m % 2 === 0) {
      const n = isoDate(y, m, 22)
      add({ title: `新法速递（${y}年第${m / 2}期）`, category: 'public_law', minutes: 135, startDate: n, endDate: n, mode: 'online', provider: PROVIDER, organiser: null, group: null, county: null })
    } else {
      const c = isoDate(y, m, 25)
      for (const g of [...MAIN_DOMAINS, GROUP_TOWNSHIP, GROUP_OTHER]) {
        add({ title: `${g}典型案例研讨会（${y}年${m}月）`, category: 'professional', minutes: 150, startDate: c, endDate: c, mode: 'offline', provider: `${g}执法案例指导组`, organiser: organisers.get(g) ?? justice, group: g, county: null })
      }
    }
  }
  const wide = [[isoDate(y, 3, 11), isoDate(y, 3, 13)], [isoDate(y, 9, 15), isoDate(y, 9, 17)]] as const
  wide.forEach(([start, end], half) => {
    for (const g of [...MAIN_DOMAINS, GROUP_TOWNSHIP, GROUP_OTHER]) {
      const title = g === GROUP_TOWNSHIP ? '乡镇（街道）综合行政执法人员素质能力提升培训班' : g === GROUP_OTHER ? '行政执法业务综合培训班' : `${g}执法技能培训班`
      add({ title: `${y}年${title}（第${half + 1}期）`, category: 'professional', hours: 24, startDate: start, endDate: end, mode: 'offline', provider: `${PROVIDER}、${g}主管部门`, organiser: organisers.get(g) ?? justice, group: g, county: null })
    }
  })
  for (const [m, d] of [[5, 20], [11, 12]] as const) {
    const day = isoDate(y, m, d)
    add({ title: `执法文书规范与案卷评查实务（${y}年${m}月）`, category: 'professional', minutes: 240, startDate: day, endDate: day, mode: 'offline', provider: PROVIDER, organiser: justice, group: null, county: null })
  }
  const constitution = isoDate(y, 12, 4)
  add({ title: `国家宪法日专题讲座（${y}）`, category: 'public_law', minutes: 90, startDate: constitution, endDate: constitution, mode: 'offline', provider: PROVIDER, organiser: null, group: null, county: null })
  for (const county of [null, ...COUNTIES]) {
    const who = county === null ? '市直' : county.name
    for (const [start, end, half] of [[isoDate(y, 4, 8), isoDate(y, 4, 9), '上'], [isoDate(y, 8, 26), isoDate(y, 8, 27), '下']] as const) {
      add({ title: `${who}${y}年${half}半年行政执法人员法律知识轮训班`, category: 'public_law', hours: 12, startDate: start, endDate: end, mode: 'offline', provider: `${county === null ? '河东市' : county.name}司法局`, organiser: organisers.get(`司法行政:${county?.code ?? 'city'}`) ?? justice, group: null, county: county ?? 'city' })
    }
  }
  return out
}

/** Where an officer served on a day (after a transfer, the new agency). */
export function agencyOn (o: OfficerPlan, date: IsoDate): AgencyPlan {
  return o.transfer && date >= o.transfer.date ? o.transfer.to : o.agency
}

function open (t: TrainingPlan, a: AgencyPlan): boolean {
  if (t.county !== null) return t.county === 'city' ? a.level === 'city' : a.county === t.county
  return t.group === null || t.group === a.group
}

/** Units expected by today: the whole year for a past year, the elapsed share of this one. */
export function expectedUnits (y: number, cal: SeedCalendar): number {
  if (y < cal.year) return REQUIRED
  return Math.ceil(REQUIRED * dayOfYear(cal.today) / daysInYear(y))
}

export interface TrainingYear { trainings: TrainingPlan[], externals: ExternalPlan[], underTrained: Set<OfficerPlan> }

/** The catalogue and attendance of year `y`. */
export function planTrainingYear (rnd: Random, y: number, officers: readonly OfficerPlan[], cal: SeedCalendar, organisers: Map<string, AgencyPlan>, underShare: number): TrainingYear {
  const trainings = catalogue(y, cal, organisers)
  const externals: ExternalPlan[] = []
  const underTrained = new Set<OfficerPlan>()
  const expected = expectedUnits(y, cal)
  // Police too: 004 line 39 (一.3) names 县公安局 among the units whose officers owe 30 + 30 学时.
  for (const o of officers) {
    // Dates here are valid 'YYYY-MM-DD' strings, which sort as the days they name.
    const from = [startOfYear(y), o.registeredOn].reduce((a, b) => (a >= b ? a : b))
    const lastDay = [endOfYear(y), cal.today, o.departure ? addDays(o.departure.date, -1) : cal.today].reduce((a, b) => (a <= b ? a : b))
    if (from > lastDay) continue
    const usable = trainings.filter((t) => t.endDate >= from && t.endDate <= lastDay && open(t, agencyOn(o, t.endDate)))
    if (o.auxiliary) {
      for (const t of rnd.shuffle(usable.filter((t) => t.category === 'public_law')).slice(0, rnd.int(1, 3))) t.attendees.push(o)
      continue
    }
    const under = rnd.chance(underShare)
    if (under) underTrained.add(o)
    const shortIn = rnd.weighted<Category | 'both'>([['public_law', 35], ['professional', 30], ['both', 35]])
    for (const category of ['public_law', 'professional'] as const) {
      const short = under && (shortIn === category || shortIn === 'both')
      const target = short ? Math.floor(expected * (0.25 + rnd.next() * 0.65)) : expected
      // Big courses first, with some luck in the order, as most people do the online course.
      const ranked = usable.filter((t) => t.category === category)
        .map((t) => ({ t, key: t.units * (0.6 + 0.8 * rnd.next()) })).sort((a, b) => b.key - a.key).map((r) => r.t)
      let sum = 0
      for (const t of ranked) {
        if (short ? sum + t.units >= target : sum >= target) continue
        t.attendees.push(o)
        sum += t.units
      }
      if (!short && sum < target) {
        const kind = EXTERNAL[rnd.int(0, EXTERNAL.length - 1)] as (typeof EXTERNAL)[number]
        const hours = Math.ceil((target - sum) / UNITS_PER_HOUR)
        externals.push({ officer: o, category, hours, date: lastDay, ...kind, evidence: `结业证书 ${y}-${String(o.key).padStart(5, '0')}-${category === 'public_law' ? 'G' : 'Z'}` })
      }
    }
  }
  return { trainings: trainings.filter((t) => t.attendees.length > 0), externals, underTrained }
}
