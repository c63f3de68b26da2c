// The nightly lists the agencies with no training plan for its year once PLAN_DUE has passed.
import t from 'tap'
import { nightlyChecks } from '../../src/modules/reports/nightly.js'
import { ADMIN_ACTOR, post } from '../fixtures.js'
import { execute } from '../db.js'
import { world } from '../training/world.js'

t.test('agenciesWithoutPlan: no plan for the year after the due day; a plan under 60 学时 is filed, not missing', async (t) => {
  const w = await world(t, {}, new Date('2026-12-01T02:00:00Z'))
  const file = (agencyId: number, skillsHours: number) =>
    post(w.app, w.admin, `/v1/agencies/${agencyId}/training-plans`, { year: 2026, publicLawHours: 30, professionalHours: 20, skillsHours, document: '文号' })
  t.equal((await file(w.countyB.id, 10)).statusCode, 201)
  t.equal((await file(w.countyC.id, 1)).statusCode, 201)
  await execute(w.app, "update training_plans set created_at = '2026-04-01T02:00:00.000Z'") // filed in April (the world's clock is December's)
  const run = async (asOf: string, year?: number) => await nightlyChecks(w.app.store, w.config, ADMIN_ACTOR, { asOf, year, dueWithinDays: 30, today: '2026-12-01' })
  const december = await run('2026-12-01')
  t.equal(december.year, 2026)
  t.same(december.checks.agenciesWithoutPlan, [{ agencyId: w.city.id, agencyName: w.city.name, year: 2026, planDue: '2026-05-31' }])
  t.equal(december.counts.agenciesWithoutPlan, 1)
  t.same((await run('2026-05-31', 2026)).checks.agenciesWithoutPlan, [], 'not before the due day has passed')
  const june = await run('2026-06-15')
  t.equal(june.year, 2025, 'in June the training checks look at the last closed year')
  t.same(june.checks.agenciesWithoutPlan.map((a) => [a.agencyId, a.year]), [[w.city.id, 2026]], 'but a plan is due within its own year: 2026\'s is missing from 1 June')
  t.same((await run('2026-05-20')).checks.agenciesWithoutPlan.map((a) => a.year), [2025, 2025, 2025], 'until then, the year before\'s (none was filed for 2025 here)')
})
