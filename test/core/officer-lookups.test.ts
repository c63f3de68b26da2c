// The lookups the officers import reads ahead with: officerRepository.findByIdNumbers answers as
// findByIdNumber does, number by number, on either engine; and, inside a write transaction, what
// it (and agencyRepository.findById) read is never answered after the transaction changed it:
// writes to the officer or agency, and a savepoint rolled back, are seen by the next lookup.
import t from 'tap'
import { agencyRepository } from '../../src/modules/agencies/repository.js'
import { officerRepository } from '../../src/modules/officers/repository.js'
import { idNumber } from '../fixtures.js'
import { registry } from './setup.js'

const all = { all: true } as const

t.test('findByIdNumbers answers what findByIdNumber answers for each number, in a read and in a write', async (t) => {
  const { app, officer, countyB, countyC } = await registry(t)
  const a = await officer(countyB.id)
  const b = await officer(countyC.id, { employeeNo: 'E-2' })
  const nobody = idNumber(999, '19900101')
  const asked = [a.idNumber, nobody, b.idNumber, a.idNumber]
  for (const how of ['read', 'write'] as const) {
    await app.store[how](async (db) => {
      const found = await officerRepository.findByIdNumbers(db, asked)
      t.same([...found.keys()].sort(), [a.idNumber, b.idNumber].sort(), `${how}: the registered ones, once each`)
      for (const n of asked) t.same(found.get(n), await officerRepository.findByIdNumber(db, n), `${how}: ${n}`)
      t.same((await officerRepository.findByIdNumbers(db, [])).size, 0, `${how}: none asked, none found`)
    })
  }
})

t.test('in a write, what was read ahead gives way to what the transaction writes or undoes', async (t) => {
  const { app, officer, countyB, clock } = await registry(t)
  const a = await officer(countyB.id)
  const fresh = idNumber(998, '19900101')
  const undone = idNumber(997, '19900101')
  const now = clock().toISOString()
  await app.store.write(async (db) => {
    await officerRepository.findByIdNumbers(db, [a.idNumber, fresh, undone])
    await officerRepository.update(db, a.id, { name: '改名' })
    t.equal((await officerRepository.findByIdNumber(db, a.idNumber))?.name, '改名', 'an update is seen')
    const inserted = await officerRepository.insert(db, { name: '新人', idNumber: fresh, agencyId: countyB.id }, now)
    t.same(await officerRepository.findByIdNumber(db, fresh), inserted, 'an insert is seen, as inserted')
    await t.rejects(app.store.savepoint(db, async () => {
      await officerRepository.insert(db, { name: '撤销', idNumber: undone, agencyId: countyB.id }, now)
      t.ok(await officerRepository.findByIdNumbers(db, [undone]).then((m) => m.get(undone)), 'found inside the savepoint')
      throw new Error('undo')
    }), /undo/)
    t.equal(await officerRepository.findByIdNumber(db, undone), undefined, 'gone with the savepoint')
    t.equal((await officerRepository.findByIdNumber(db, a.idNumber))?.name, '改名', 'asked again: the same')

    const before = await agencyRepository.findById(db, all, countyB.id)
    if (before === undefined) throw new Error('no agency')
    before.name = '调用方改动'
    t.not((await agencyRepository.findById(db, all, countyB.id))?.name, '调用方改动', 'what a caller does to an answer is not the next answer')
    await agencyRepository.update(db, countyB.id, { name: '更名后' })
    t.equal((await agencyRepository.findById(db, all, countyB.id))?.name, '更名后', 'an agency written is read again')
    await t.rejects(app.store.savepoint(db, async () => {
      await agencyRepository.update(db, countyB.id, { name: '撤销的名称' })
      t.equal((await agencyRepository.findById(db, all, countyB.id))?.name, '撤销的名称')
      throw new Error('undo')
    }), /undo/)
    t.equal((await agencyRepository.findById(db, all, countyB.id))?.name, '更名后', 'a rename undone with its savepoint is undone')
    t.equal(await agencyRepository.findById(db, { all: false, rootAgencyId: 999_999 }, countyB.id), undefined, 'out of scope: not found')
  })
})
