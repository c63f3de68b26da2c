// Writes the planned city through the services, in date order, each call under the clock of
// its own day, so every rule is checked and every change lands in the audit trail as it would
// have on that day. The whole run is one outer transaction (the services' own transactions
// become savepoints): all or nothing, and one sync to disk instead of a hundred thousand.
import type { Config } from '../src/config.js'
import type { Db, Store } from '../src/db/store.js'
import { addDays, compareDates, isoDate, shanghaiDate, type IsoDate } from '../src/domain/dates.js'
import { agenciesService } from '../src/modules/agencies/service.js'
import { assessmentsService } from '../src/modules/assessments/service.js'
import { certificatesService } from '../src/modules/certificates/service.js'
import { examsService } from '../src/modules/exams/service.js'
import { officersService } from '../src/modules/officers/service.js'
import { trainingService } from '../src/modules/training/service.js'
import { trainingPlansService } from '../src/modules/training-plans/service.js'
import type { Actor } from '../src/security/roles.js'
import { CITY, planCity, type AgencyPlan } from './city.js'
import { seedCalendar, type SeedCalendar } from './calendar.js'
import { assignRoles, planOfficers, type CertPlan, type OfficerPlan } from './officers.js'
import { stream } from './random.js'
import { planTrainingYear, type TrainingYear } from './training.js'
import { planTrainingPlans, type PlanSeed } from './plans.js'

export interface SeedOptions {
  /** The day the data is dated to (default: today in Shanghai). */
  readonly today?: IsoDate
  /** 1 = the full city (about 9,000 officers); 0.25 = a quarter of the people in a quarter of
   *  the counties (the city level stays whole). */
  readonly scale?: number
}

export interface SeedPlan {
  readonly cal: SeedCalendar
  readonly agencies: AgencyPlan[]
  readonly officers: OfficerPlan[]
  readonly training: TrainingYear[]
  /** 年度培训计划 of the training years: most bodies, some none, some under 60 学时. */
  readonly plans: PlanSeed[]
  readonly unconfirmed: AgencyPlan[]
  readonly shortOfReviewers: AgencyPlan[]
  /** A body renamed this year after its confirmation: it awaits 重新确认 (002 item 6). */
  readonly renamed: { agency: AgencyPlan, date: IsoDate, name: string } | null
}

/** The whole city, decided in memory (deterministic for a given today and scale). */
export function planSeed (config: Config, options: SeedOptions = {}): SeedPlan {
  const today = options.today ?? shanghaiDate(new Date())
  const scale = options.scale ?? 1
  // A smaller demo keeps the city level and drops counties, so agencies shrink with people.
  const agencies = planCity(stream('city'), Math.round(9000 * scale), Math.max(1, Math.min(13, Math.round(13 * scale))))
  const share = (n: number) => Math.max(2, Math.round(n * agencies.length / 558))
  // About 2 % of the bodies have not been confirmed yet this year: small county offices and townships.
  const pick = stream('unconfirmed')
  const unconfirmed = pick.shuffle(agencies.filter((a) => a.level !== 'city' && !a.name.endsWith('人民政府') && a.size <= 40)).slice(0, share(11))
  const cal = seedCalendar(today, { passMark: config.EXAM_PASS_MARK, validityYears: config.CERTIFICATE_VALIDITY_YEARS, unconfirmed: new Set(unconfirmed.map((a) => a.index)) })
  const officers = planOfficers(stream('officers'), agencies, cal)
  const shortOfReviewers = assignRoles(stream('roles'), officers, agencies, share(8), Math.round(304 * scale))
  const organisers = new Map<string, AgencyPlan>()
  for (const a of agencies) {
    const domain = a.domains[0] ?? ''
    if (a.level === 'city' && a.name.includes('综合行政执法支队')) organisers.set(a.group, a)
    if (domain === '司法行政') {
      const where = a.county?.code ?? 'city'
      organisers.set(`司法行政:${where}`, a)
      if (where === 'city') organisers.set('司法行政', a)
    }
  }
  const training = [cal.year - 2, cal.year - 1, cal.year].map((y) =>
    planTrainingYear(stream(`training-${y}`), y, officers, cal, organisers, y === cal.year ? 0.1 : 0.09))
  // One county bureau renamed (机构改革) a fortnight ago, after its latest confirmation (this
  // year's, or in early January last year's).
  const renamedBody = agencies.find((a) => a.level === 'county' && a.name.endsWith('自然资源局') && !unconfirmed.includes(a))
  const renameOn = addDays(today, -14)
  const confirmed = renamedBody === undefined ? null : cal.confirmedOn(renamedBody, cal.year) ?? cal.confirmedOn(renamedBody, cal.year - 1)
  const renamed = renamedBody !== undefined && confirmed !== null && compareDates(confirmed, renameOn) < 0
    ? { agency: renamedBody, date: renameOn, name: renamedBody.name.replace('自然资源局', '自然资源和规划局') }
    : null
  const plans = planTrainingPlans(stream('plans'), agencies, cal, [cal.year - 2, cal.year - 1, cal.year])
  return { cal, agencies, officers, training, plans, unconfirmed, shortOfReviewers, renamed }
}

export const SEED_ACTOR: Actor = { principal: { sub: 'system:seed', role: 'admin', agencyId: null, via: 'user' }, scope: { all: true }, requestId: 'seed' }

/** The root body's USCC: its presence means the city is already seeded. */
export const rootUscc = (plan: SeedPlan): string => (plan.agencies[0] as AgencyPlan).uscc

interface Step { date: IsoDate, phase: number, seq: number, run: () => Promise<unknown> }

// Within one day: bodies, confirmations, training plans, people, exams, courses, attendance, card changes,
// new cards (a renewal cancels the old card first), moves, recalls closed, assessments.
const PHASE = { agency: 0, confirm: 1, plan: 2, register: 3, exam: 4, result: 5, training: 6, attend: 7, change: 8, issue: 9, move: 10, recall: 11, assess: 12 } as const

/** `store` as the services see it inside the one write transaction of the run (`tx()`): their
 *  writes are savepoints of it (one that throws is undone alone, then the run fails), their
 *  reads read it, seeing what the run has written so far. */
function withinRun (store: Store, tx: () => Db): Store {
  return {
    engine: store.engine,
    read: async (fn) => await fn(tx()),
    readOne: async (fn) => await fn(tx()),
    write: async (fn) => await store.savepoint(tx(), async () => await fn(tx())),
    writeInTurns: async (work) => {
      const began = performance.now()
      const value = await store.savepoint(tx(), async () => await work(tx(), async () => {}))
      return { value, heldMs: performance.now() - began }
    },
    savepoint: async (db, fn) => await store.savepoint(db, fn),
    migrationsApplied: async () => await store.migrationsApplied(),
    requests: store.requests,
    get idNumbers () { return store.idNumbers },
    // The store is the run's caller's: closed by it.
    close: () => {}
  }
}

/** Writes the plan through the services in one transaction; returns how many service calls. */
export async function writeSeed (store: Store, config: Config, plan: SeedPlan): Promise<number> {
  let now = new Date()
  let tx: Db | undefined
  const ctx = { store: withinRun(store, () => tx ?? fail('a service called outside the run\'s transaction')), config, clock: () => now }
  const svc = {
    agencies: agenciesService(ctx),
    officers: officersService(ctx),
    exams: examsService(ctx),
    certificates: certificatesService(ctx),
    training: trainingService(ctx),
    assessments: assessmentsService(ctx),
    plans: trainingPlansService(ctx)
  }
  const actor = SEED_ACTOR
  const { cal } = plan
  const steps: Step[] = []
  const at = (date: IsoDate, phase: number, run: () => Promise<unknown>) => { if (compareDates(date, cal.today) <= 0) steps.push({ date, phase, seq: steps.length, run }) }
  const agencyId = new Map<AgencyPlan, number>()
  const idOf = (a: AgencyPlan) => agencyId.get(a) ?? fail(`agency ${a.name} not created`)
  const officerId = (o: OfficerPlan) => o.id ?? fail(`officer ${o.key} not registered`)
  const certId = (c: CertPlan) => c.id ?? fail(`certificate of ${c.agency.name} not issued`)

  for (const a of plan.agencies) {
    at(cal.agenciesCreated, PHASE.agency, async () => {
      const parentId = a.parent === null ? null : idOf(plan.agencies[a.parent] as AgencyPlan)
      agencyId.set(a, (await svc.agencies.create(actor, { name: a.name, uscc: a.uscc, kind: a.kind, level: a.level, parentId, regionCode: a.regionCode, domains: a.domains })).id)
    })
    for (const y of cal.confirmationYears) {
      const date = cal.confirmedOn(a, y)
      const announcer = a.county?.short ?? CITY.short
      if (date) at(date, PHASE.confirm, async () => await svc.agencies.confirm(actor, idOf(a), { year: y, announcementNo: `${announcer}政公告〔${y}〕${a.level === 'township' ? 2 : 1}号`, date }))
    }
  }

  const { renamed } = plan
  if (renamed) {
    at(renamed.date, PHASE.confirm, async () => {
      const id = idOf(renamed.agency)
      await svc.agencies.update(actor, id, (await svc.agencies.get(actor, id)).version, { name: renamed.name })
    })
  }

  const examIds: number[] = []
  cal.sessions.forEach((date, i) => {
    const half = Number(date.slice(5, 7)) < 7 ? '上' : '下'
    at(addDays(date, -30), PHASE.exam, async () => { examIds[i] = (await svc.exams.create(actor, { name: `${CITY.name}${date.slice(0, 4)}年${half}半年行政执法资格考试`, date })).id })
  })

  for (const o of plan.officers) {
    at(o.registeredOn, PHASE.register, async () => {
      o.id = (await svc.officers.register(actor, {
        name: o.name,
        idNumber: o.idNumber,
        agencyId: idOf(o.agency),
        employeeNo: o.employeeNo,
        phone: o.phone ?? undefined,
        joinedOn: o.joinedOn,
        auxiliary: o.auxiliary,
        police: o.police,
        legalReviewer: o.legalReviewer,
        supervisor: o.supervisor
      })).id
    })
    for (const e of o.exams) {
      at(cal.sessions[e.session] as IsoDate, PHASE.result, async () => await svc.exams.recordResult(actor, examIds[e.session] ?? fail('exam missing'), { officerId: officerId(o), score: e.score }))
    }
    for (const c of o.certs) {
      at(c.issuedOn, PHASE.issue, async () => { c.id = (await svc.certificates.issue(actor, { officerId: officerId(o), agencyId: idOf(c.agency) })).id })
      for (const e of c.events) {
        at(e.date, PHASE.change, async () => await svc.certificates.change(actor, certId(c), e.action, { reason: e.reason, until: e.until }))
        const recall = e.recall
        if (recall) at(recall.date, PHASE.recall, async () => await svc.certificates.closeRecall(actor, certId(c), { outcome: recall.outcome, date: recall.date }))
      }
      const moved = c.moveRecall
      if (moved) at(moved.date, PHASE.recall, async () => await svc.certificates.closeRecall(actor, certId(c), { outcome: moved.outcome, date: moved.date }))
    }
    const { transfer, departure } = o
    if (transfer) at(transfer.date, PHASE.move, async () => await svc.officers.transfer(actor, officerId(o), { toAgencyId: idOf(transfer.to), date: transfer.date }))
    if (departure) at(departure.date, PHASE.move, async () => await svc.officers.depart(actor, officerId(o), { reason: departure.reason, date: departure.date }))
  }

  for (const year of plan.training) {
    for (const t of year.trainings) {
      at(addDays(t.startDate, -14), PHASE.training, async () => {
        t.id = (await svc.training.createTraining(actor, {
          title: t.title, category: t.category, hours: t.hours ?? null, minutes: t.minutes ?? null, startDate: t.startDate, endDate: t.endDate, mode: t.mode, provider: t.provider, agencyId: t.organiser ? idOf(t.organiser) : null
        })).id
      })
      at(t.endDate, PHASE.attend, async () => {
        const r = await svc.training.recordAttendances(actor, t.id ?? fail('training missing'), t.attendees.map(officerId).sort((a, b) => a - b))
        if (r.rejected > 0) fail(`${t.title}: ${r.rejected} attendances refused`)
      })
    }
    for (const e of year.externals) {
      at(e.date, PHASE.attend, async () => await svc.training.recordExternal(actor, { officerId: officerId(e.officer), category: e.category, hours: e.hours, date: e.date, evidence: e.evidence, title: e.title, provider: e.provider }))
    }
  }

  for (const p of plan.plans) {
    at(p.filedOn, PHASE.plan, async () => await svc.plans.create(actor, idOf(p.agency), {
      year: p.year, publicLawHours: p.publicLawHours, professionalHours: p.professionalHours, skillsHours: p.skillsHours, approvedOn: p.approvedOn, document: p.document
    }))
  }

  planAssessments(plan, (date, run) => at(date, PHASE.assess, run), async (o, year, grade) => await svc.assessments.record(actor, { officerId: officerId(o), year, grade }))

  steps.sort((a, b) => a.date < b.date ? -1 : a.date > b.date ? 1 : a.phase - b.phase || a.seq - b.seq)
  await store.write(async (db) => {
    tx = db
    try {
      let day = ''
      let tick = 0
      for (const s of steps) {
        if (s.date !== day) { day = s.date; tick = 0 }
        // 09:00 in Shanghai, a quarter of a second apart, so the audit trail keeps the order.
        now = new Date(Date.parse(`${s.date}T01:00:00.000Z`) + 250 * tick++)
        await s.run()
      }
    } finally {
      tx = undefined
    }
  })
  return steps.length
}

type Grade = 'excellent' | 'competent' | 'basically_competent' | 'incompetent'

// 年度考核 for the last two closed years, recorded in January after each: everyone (not
// auxiliary, not police) who served that whole year's last quarter and was still there at its end.
function planAssessments (plan: SeedPlan, at: (date: IsoDate, run: () => Promise<unknown>) => void, record: (o: OfficerPlan, year: number, grade: Grade) => Promise<unknown>): void {
  const rnd = stream('assessments')
  const { year } = plan.cal
  for (let y = year - 2; y < year; y++) {
    for (const o of plan.officers) {
      if (o.auxiliary || o.police || compareDates(o.joinedOn, isoDate(y, 9, 30)) > 0) continue
      if (o.departure && compareDates(o.departure.date, isoDate(y + 1, 1, 1)) <= 0) continue
      const date = isoDate(y + 1, 1, rnd.int(10, 28))
      if (compareDates(o.registeredOn, date) > 0) continue
      const grade = rnd.weighted<Grade>([['excellent', 15], ['competent', 80], ['basically_competent', 4], ['incompetent', 1]])
      at(date, async () => await record(o, y, grade))
    }
  }
}

function fail (message: string): never {
  throw new Error(`seed plan inconsistent: ${message}`)
}
