import t from 'tap'
import { maskPersonalData } from '../../src/security/personal-data.js'

t.test('maskPersonalData masks ID numbers and phones at any depth, and nothing else', async (t) => {
  const cases: Array<[string, unknown, unknown]> = [
    ['an officer', { name: '张三', idNumber: '110105198805121015', phone: '13812345678', agencyId: 2 }, { name: '张三', idNumber: '110105********1015', phone: '138****5678', agencyId: 2 }],
    ['a table row', { id_number: '110105198805121015' }, { id_number: '110105********1015' }],
    ['nested in arrays', { officers: [{ phone: '13912345678' }, { idNumber: '11010519880512101X' }] }, { officers: [{ phone: '139****5678' }, { idNumber: '110105********101X' }] }],
    ['null phone stays null', { phone: null, idNumber: null }, { phone: null, idNumber: null }],
    ['a field that only looks like one', { employeeNo: '13812345678', note: '110105198805121015' }, { employeeNo: '13812345678', note: '110105198805121015' }],
    ['plain values', 'text', 'text'],
    ['null', null, null]
  ]
  for (const [name, input, want] of cases) t.same(maskPersonalData(input), want, name)
  const input = { phone: '13812345678' }
  maskPersonalData(input)
  t.same(input, { phone: '13812345678' }, 'the input is not changed')
})
