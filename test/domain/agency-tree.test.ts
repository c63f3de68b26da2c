import t from 'tap'
import { childPath, createsCycle, rebasePath } from '../../src/domain/agency-tree.js'

t.test('childPath appends the id to the parent path', async (t) => {
  const cases: Array<[string, number, string]> = [['', 1, '/1/'], ['/1/', 7, '/1/7/'], ['/1/7/', 23, '/1/7/23/']]
  for (const [parent, id, want] of cases) t.equal(childPath(parent, id), want, `${parent} + ${id}`)
})

t.test('createsCycle: under itself or a descendant is a cycle; elsewhere is not', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['/1/7/', '/1/7/', true],
    ['/1/7/', '/1/7/23/', true],
    ['/1/7/', '/1/7/23/99/', true],
    ['/1/7/', '/1/', false],
    ['/1/7/', '/1/8/', false],
    ['/1/7/', '/1/70/', false],
    ['/1/', '/2/', false]
  ]
  for (const [path, parent, want] of cases) t.equal(createsCycle(path, parent), want, `${path} under ${parent}`)
})

t.test('rebasePath moves a subtree; a path outside it is a RangeError', async (t) => {
  t.equal(rebasePath('/1/7/23/', '/1/7/', '/2/7/'), '/2/7/23/')
  t.equal(rebasePath('/1/7/', '/1/7/', '/5/7/'), '/5/7/')
  t.throws(() => rebasePath('/1/8/', '/1/7/', '/2/7/'), RangeError)
})
