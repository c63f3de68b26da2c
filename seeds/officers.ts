// The officers of 河东市 and the life of their certificates, planned in memory before anything
// is written: who joined when, who sat which exam, every card issued, renewed (换发), suspended,
// revoked or cancelled, who left or moved, and who reviews or supervises. Writing the plan
// through the services happens in run.ts; this file only decides.
import { addDays, addYears, compareDates, dateParts, daysBetween, type IsoDate } from '../src/domain/dates.js'
import { validUntilFor, type DepartureReason } from '../src/domain/certificates.js'
import { evaluateStaffing } from '../src/domain/staffing.js'
import type { AgencyPlan } from './city.js'
import { birthDate, idNumberFor, mobile, personName, type Sex } from './people.js'
import type { Random } from './random.js'
import type { SeedCalendar } from './calendar.js'

export type CertAction = 'suspend' | 'reinstate' | 'revoke' | 'cancel'
export interface CertEvent { date: IsoDate, action: CertAction, reason: string, until?: string, recall?: Recall }
export interface Recall { outcome: 'recovered' | 'lost', date: IsoDate }

export interface CertPlan {
  readonly agency: AgencyPlan
  readonly issuedOn: IsoDate
  readonly events: CertEvent[]
  /** The recall opened when a departure or transfer cancels this card, and how it ends (null: still open). */
  moveRecall?: Recall | null
  id?: number
}

export interface OfficerPlan {
  readonly key: number
  readonly agency: AgencyPlan
  readonly name: string
  readonly idNumber: string
  readonly birth: IsoDate
  readonly phone: string | null
  readonly employeeNo: string
  readonly joinedOn: IsoDate
  readonly registeredOn: IsoDate
  readonly auxiliary: boolean
  readonly police: boolean
  legalReviewer: boolean
  supervisor: boolean
  readonly exams: Array<{ session: number, score: number }>
  readonly certs: CertPlan[]
  transfer: { date: IsoDate, to: AgencyPlan } | null
  departure: { date: IsoDate, reason: DepartureReason } | null
  id?: number
}

const DEPARTURE_REASONS: ReadonlyArray<readonly [DepartureReason, number]> = [['resignation', 40], ['transfer', 35], ['dismissal', 5], ['other', 20]]
const LARGE_FRONTLINE = new Set(['市场监管', '城市管理', '交通运输'])
const RENEWAL = '换发新证 renewal'

const later = (a: IsoDate, b: IsoDate) => (compareDates(a, b) >= 0 ? a : b)
const earlier = (a: IsoDate, b: IsoDate) => (compareDates(a, b) <= 0 ? a : b)
const between = (rnd: Random, from: IsoDate, to: IsoDate): IsoDate => addDays(from, rnd.int(0, Math.max(0, daysBetween(from, to))))

export function planOfficers (rnd: Random, agencies: readonly AgencyPlan[], cal: SeedCalendar): OfficerPlan[] {
  const taken = new Set<string>()
  const out: OfficerPlan[] = []
  for (const agency of agencies) {
    for (let n = 0; n < agency.size; n++) out.push(drawOfficer(rnd, agency, cal, out.length, n, taken))
  }
  planMoves(rnd, out, agencies, cal)
  ensureSanctions(out, cal)
  return out
}

function drawOfficer (rnd: Random, agency: AgencyPlan, cal: SeedCalendar, key: number, n: number, taken: Set<string>): OfficerPlan {
  const sex: Sex = rnd.chance(0.72) ? 'male' : 'female'
  // Born 1965–2000, and old enough to have joined by last year whatever day the seed is dated to.
  const birth = birthDate(rnd, 1965, Math.min(2000, cal.year - 23))
  const [by] = dateParts(birth)
  const region = agency.county?.code ?? rnd.pick(['149902', '149921', '149923', '149928', '149981', '149982'])
  const earliestJoin = later(addYears(birth, 21), '1988-07-01')
  // About 4 % joined this year; the rest at some point after school.
  const joinedOn = rnd.chance(0.04) && compareDates(addDays(cal.today, -30), `${cal.year}-01-02`) > 0
    ? between(rnd, `${cal.year}-01-02`, addDays(cal.today, -30))
    : between(rnd, earliestJoin, `${cal.year - 1}-12-31`)
  const auxiliary = !agency.police && rnd.chance(LARGE_FRONTLINE.has(agency.group) ? 0.09 : 0.025)
  const officer: OfficerPlan = {
    key,
    agency,
    name: personName(rnd, sex, by),
    idNumber: idNumberFor(rnd, region, birth, sex, taken),
    birth,
    phone: rnd.chance(0.8) ? mobile(rnd) : null,
    employeeNo: `${agency.regionCode.slice(4)}${String(agency.index).padStart(3, '0')}-${String(n + 1).padStart(4, '0')}`,
    joinedOn,
    // Officers already at their post when the registry opened were loaded in its first weeks.
    registeredOn: later(joinedOn, addDays(cal.registryOpened, rnd.int(0, 20))),
    auxiliary,
    police: agency.police,
    legalReviewer: false,
    supervisor: false,
    exams: [],
    certs: [],
    transfer: null,
    departure: null
  }
  if (!auxiliary && !agency.police) sitExams(rnd, officer, cal)
  return officer
}

// The first exam: for those already in post, one of the registry's first eight sessions, most
// in its third and fourth years when the new card was introduced (全员考试);
// else the first session a month after joining. One in twelve fails and sits the next one.
function sitExams (rnd: Random, o: OfficerPlan, cal: SeedCalendar): void {
  const early = compareDates(o.joinedOn, cal.registryOpened) < 0
  let s = early ? (rnd.chance(0.3) ? rnd.int(0, 3) : rnd.int(4, 7)) : cal.sessions.findIndex((d) => compareDates(d, addDays(o.joinedOn, 30)) >= 0)
  if (s < 0 || s >= cal.sessions.length) return
  if (rnd.chance(1 / 12)) {
    o.exams.push({ session: s, score: rnd.int(32, 59) })
    s++
    if (s >= cal.sessions.length) return
  }
  o.exams.push({ session: s, score: rnd.int(60, 98) })
}

/** The first card after a passed exam, then renewals while a card runs out before today. */
export function certChain (rnd: Random, agency: AgencyPlan, firstIssue: IsoDate, until: IsoDate, cal: SeedCalendar): CertPlan[] {
  const certs: CertPlan[] = []
  let issue: IsoDate | null = cal.issuable(agency, firstIssue)
  while (issue !== null && compareDates(issue, until) < 0) {
    const cert: CertPlan = { agency, issuedOn: issue, events: [] }
    certs.push(cert)
    const validUntil = validUntilFor(issue, cal.validityYears)
    if (compareDates(validUntil, until) >= 0 || !rnd.chance(0.9)) break
    // Renewed shortly before it runs out (or just after, when that falls before confirmation).
    const renewal = cal.issuable(agency, addDays(validUntil, -rnd.int(10, 60)))
    if (renewal === null || compareDates(renewal, until) >= 0) break
    cert.events.push({ date: renewal, action: 'cancel', reason: RENEWAL, recall: { outcome: 'recovered', date: renewal } })
    issue = renewal
  }
  return certs
}

function passedOn (o: OfficerPlan, cal: SeedCalendar): IsoDate | null {
  const pass = o.exams.find((e) => e.score >= cal.passMark)
  return pass === undefined ? null : cal.sessions[pass.session] ?? null
}

// Departures, transfers and what happens to cards in between. Retirement comes to those who
// turn 60; other leavers and movers are drawn at random.
function planMoves (rnd: Random, officers: OfficerPlan[], agencies: readonly AgencyPlan[], cal: SeedCalendar): void {
  const { today, year } = cal
  for (const o of officers) {
    const sixty = addYears(o.birth, 60)
    const leaveFrom = later(addYears(o.joinedOn, 1), `${year - 3}-01-01`)
    if (compareDates(sixty, today) < 0 && compareDates(sixty, leaveFrom) > 0 && rnd.chance(0.6)) {
      o.departure = { date: sixty, reason: 'retirement' }
    } else if (rnd.chance(0.025) && compareDates(leaveFrom, addDays(today, -2)) < 0) {
      o.departure = { date: between(rnd, leaveFrom, addDays(today, -2)), reason: rnd.weighted(DEPARTURE_REASONS) }
    } else if (!o.auxiliary && !o.police && rnd.chance(0.015)) {
      const date = between(rnd, later(o.registeredOn, `${year - 2}-01-01`), addDays(today, -10))
      const to = rnd.pick(agencies.filter((a) => a !== o.agency && !a.police && a.group === o.agency.group))
      if (compareDates(date, o.registeredOn) > 0) o.transfer = { date, to }
    }
    const passed = passedOn(o, cal)
    if (passed === null) continue
    const firstIssue = addDays(passed, rnd.int(20, 60))
    const end = o.departure?.date ?? o.transfer?.date ?? addDays(today, 1)
    o.certs.push(...certChain(rnd, o.agency, firstIssue, end, cal))
    const last = o.certs[o.certs.length - 1]
    if (o.transfer) {
      if (last) last.moveRecall = { outcome: 'recovered', date: addDays(o.transfer.date, rnd.int(0, 7)) }
      o.certs.push(...certChain(rnd, o.transfer.to, later(firstIssue, addDays(o.transfer.date, rnd.int(20, 60))), addDays(today, 1), cal))
    } else if (o.departure && last) {
      const closed = addDays(o.departure.date, rnd.int(0, 25))
      last.moveRecall = compareDates(closed, today) > 0 || rnd.chance(0.4) ? null : { outcome: rnd.chance(0.92) ? 'recovered' : 'lost', date: closed }
    } else if (last) {
      careerEvent(rnd, last, cal)
    }
  }
}

/** The demo shows every consequence at least once: a card revoked (吊销: its holder must pass the
 *  exam again) and a card held in custody now (暂扣). Added to the first cards that had no event
 *  when the draw gave none. */
function ensureSanctions (officers: readonly OfficerPlan[], cal: SeedCalendar): void {
  const lastCards = officers.filter((o) => !o.departure && !o.transfer).map((o) => o.certs[o.certs.length - 1])
    .filter((c): c is CertPlan => c !== undefined && c.events.length === 0 && compareDates(addDays(c.issuedOn, 120), cal.today) < 0 &&
      compareDates(validUntilFor(c.issuedOn, cal.validityYears), addDays(cal.today, 60)) > 0)
  const has = (action: CertAction, live: boolean) => officers.some((o) => o.certs.some((c) => c.events.some((e) => e.action === action) && (!live || (isLive(c) && c.events[c.events.length - 1]?.action === action))))
  if (!has('revoke', false) && lastCards[0]) {
    lastCards[0].events.push({ date: addDays(cal.today, -40), action: 'revoke', reason: '违法执法受到处分 sanctioned for unlawful enforcement', recall: { outcome: 'recovered', date: addDays(cal.today, -35) } })
  }
  if (!has('suspend', true) && lastCards[1]) {
    lastCards[1].events.push({ date: addDays(cal.today, -20), action: 'suspend', reason: '涉嫌违法违规执法，暂扣待查 suspended pending investigation', until: addDays(cal.today, 50) })
  }
}

// What happens to one in thirty cards during their life: a suspension now or in the past,
// a revocation, or an administrative cancellation when the holder leaves enforcement work.
function careerEvent (rnd: Random, cert: CertPlan, cal: SeedCalendar): void {
  const { today } = cal
  const from = addDays(cert.issuedOn, 30)
  const validUntil = validUntilFor(cert.issuedOn, cal.validityYears)
  const lastDay = earlier(addDays(today, -1), validUntil)
  if (compareDates(from, lastDay) >= 0) return
  const kind = rnd.weighted([['none', 965], ['suspended', 12], ['reinstated', 12], ['revoked', 5], ['cancelled', 6]])
  if (kind === 'suspended') {
    const date = later(from, addDays(lastDay, -rnd.int(5, 80)))
    // Set for four to six months, never past the card's last valid day.
    cert.events.push({ date, action: 'suspend', reason: '涉嫌违法违规执法，暂扣待查 suspended pending investigation', until: earlier(addDays(date, rnd.int(120, 180)), validUntil) })
  } else if (kind === 'reinstated') {
    const date = between(rnd, from, addDays(lastDay, -100) < from ? from : addDays(lastDay, -100))
    cert.events.push({ date, action: 'suspend', reason: '执法过错，暂扣整改 suspended for correction', until: addDays(date, 60) })
    cert.events.push({ date: earlier(addDays(date, rnd.int(30, 90)), lastDay), action: 'reinstate', reason: '整改完成 correction completed' })
  } else if (kind === 'revoked') {
    const date = between(rnd, from, lastDay)
    const closed = addDays(date, rnd.int(1, 20))
    cert.events.push({ date, action: 'revoke', reason: '违法执法受到处分 sanctioned for unlawful enforcement', ...(compareDates(closed, today) <= 0 && rnd.chance(0.8) ? { recall: { outcome: 'recovered' as const, date: closed } } : {}) })
  } else if (kind === 'cancelled') {
    const date = between(rnd, from, lastDay)
    cert.events.push({ date, action: 'cancel', reason: '调离执法岗位 moved to a non-enforcement post', recall: { outcome: 'recovered', date: earlier(addDays(date, rnd.int(0, 10)), today) } })
  }
}

/** Rule 4 and the supervisor pool: flags chosen from who is at each agency at the end. The 5 %
 *  is of the headcount (002 item 11: 本单位执法人员总数; police included, whatever their cards).
 *  A few agencies (`short`) get one or two reviewers fewer than 5 % asks. */
export function assignRoles (rnd: Random, officers: OfficerPlan[], agencies: readonly AgencyPlan[], shortCount: number, supervisors: number): AgencyPlan[] {
  const atEnd = new Map<AgencyPlan, OfficerPlan[]>()
  for (const o of officers) {
    if (o.departure || o.auxiliary) continue
    const agency = o.transfer?.to ?? o.agency
    atEnd.set(agency, [...(atEnd.get(agency) ?? []), o])
  }
  const candidates = agencies.filter((a) => (atEnd.get(a)?.length ?? 0) >= 2)
  const short = new Set(rnd.shuffle(candidates).slice(0, shortCount))
  for (const [agency, staff] of atEnd) {
    const required = evaluateStaffing({ officers: staff.length, certified: 0, reviewers: 0 }).required
    const wanted = short.has(agency) ? Math.max(0, required - rnd.int(1, Math.min(2, required))) : required + (rnd.chance(0.25) ? 1 : 0)
    const pool = rnd.shuffle(staff)
    for (const o of pool.slice(0, Math.min(wanted, pool.length))) o.legalReviewer = true
  }
  const active = officers.filter((o) => !o.departure && !o.auxiliary && !o.police && o.certs.length > 0)
  const justice = rnd.shuffle(active.filter((o) => o.agency.justice))
  const others = rnd.shuffle(active.filter((o) => !o.agency.justice))
  for (const o of [...justice, ...others].slice(0, supervisors)) o.supervisor = true
  return [...short]
}

/** Whether a card's own events leave it active or suspended (stored status). */
export function isLive (c: CertPlan): boolean {
  return !c.events.some((e) => e.action === 'revoke' || e.action === 'cancel')
}
