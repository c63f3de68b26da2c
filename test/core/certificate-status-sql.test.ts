// The certificate list's ?status= (db/certificate-sql effectiveStatusIs, SQL) against the domain's
// effectiveStatus, on either engine: every stored status with its last valid day before, on and
// after today, and every status asked for; the list holds exactly the cards the rule gives.
import t from 'tap'
import { effectiveStatus, type StoredStatus } from '../../src/domain/certificates.js'
import { addDays } from '../../src/domain/dates.js'
import { registry } from './setup.js'
import { execute } from '../db.js'

const STORED: StoredStatus[] = ['active', 'suspended', 'revoked', 'cancelled']
const ASKED = ['active', 'suspended', 'expired', 'revoked', 'cancelled'] as const

t.test('?status= lists exactly the cards whose effectiveStatus on today is that status', async (t) => {
  const { app, admin, countyB, certified, today } = await registry(t)
  const cards: Array<{ id: number, stored: StoredStatus, validUntil: string }> = []
  for (const stored of STORED) {
    for (const validUntil of [addDays(today, -1), today, addDays(today, 1)]) {
      const { certificate } = await certified(countyB.id)
      // Written as they would stand (a card's life takes years): the status and the last day.
      await execute(app, 'update certificates set status = $1, valid_until = $2 where id = $3', stored, validUntil, certificate.id)
      cards.push({ id: certificate.id, stored, validUntil })
    }
  }
  for (const asked of ASKED) {
    const res = await app.inject({ method: 'GET', url: `/v1/certificates?agencyId=${countyB.id}&status=${asked}&limit=500`, headers: admin })
    t.equal(res.statusCode, 200, res.body)
    const listed = (res.json().items as Array<{ id: number }>).map((c) => c.id).sort((a, b) => a - b)
    const expected = cards.filter((c) => effectiveStatus(c.stored, c.validUntil, today) === asked).map((c) => c.id)
    t.same(listed, expected, `${asked}: ${expected.length} of ${cards.length}`)
  }
  t.equal(cards.filter((c) => effectiveStatus(c.stored, c.validUntil, today) === 'expired').length, 2, 'active and suspended cards past their last day are expired; on it they are not')
})
