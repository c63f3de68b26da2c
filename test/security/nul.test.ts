// U+0000 in any text a request carries (a query string, a path, a body's string that is not free
// text) is refused as invalid input naming the field, on either engine: nothing stored can hold it
// (PostgreSQL's text cannot), so a search or lookup with one would otherwise fail in the database.
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { assertProblem, buildTestApp } from '../helper.js'

t.test('a NUL character is a 400 naming the field, wherever it comes', async (t) => {
  const { app, as } = await buildTestApp(t, { LOG_LEVEL: 'warn' })
  const admin = await as('admin')
  const cases: Array<[string, InjectOptions, string]> = [
    ['a public search', { method: 'GET', url: '/v1/public/agencies?name=%00' }, '/name'],
    ['a search behind a token', { method: 'GET', url: '/v1/officers?name=a%00b', headers: admin }, '/name'],
    ['a certificate number in the path', { method: 'GET', url: '/v1/verify/ZJ%00123' }, '/number'],
    ['a username, which is not free text', { method: 'POST', url: '/v1/auth/token', payload: { grant_type: 'password', username: 'wang\u0000', password: 'Some-Password-1' } }, '/username']
  ]
  for (const [why, request, pointer] of cases) {
    const res = await app.inject(request)
    const body = assertProblem(t, res, 400, 'VALIDATION_FAILED')
    t.match(body.errors, [{ pointer }], `${why}: names ${pointer}`)
  }
  const page = await app.inject({ method: 'GET', url: '/public?q=%00' })
  t.equal(page.statusCode, 400, 'the public page\'s search too')
})
