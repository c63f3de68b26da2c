// The OpenAPI document names its shared schemas once, as components, and refers to them with
// $ref: inlined at every use the document was 480 KB and Swagger UI took 10–14 s to open.
// A schema is marked with its component name where it is defined (components() in
// http/schemas.ts); the mark is an annotation that Ajv and the serializers ignore. Every error
// answer is problem+json, one shared response.
import { COMPONENT } from '../http/schemas.js'

type Json = unknown
type JsonObject = Record<string, unknown>

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v)

const PROBLEM = 'Problem'
const PROBLEM_TYPE = 'application/problem+json'

/** The document with every marked schema replaced by a $ref to components.schemas, and every
 *  error response by a $ref to components.responses.Problem. A marked schema that differs
 *  from the one first seen under its name (a route changed it) stays inline. */
export function withComponents<T extends JsonObject> (doc: T, seeds: Record<string, JsonObject> = {}): T {
  const named = new Map<string, { schema: JsonObject, text: string }>()
  for (const [name, schema] of Object.entries(seeds)) {
    const { [COMPONENT]: _mark, ...plain } = schema
    named.set(name, { schema: plain, text: JSON.stringify(withoutDescription(plain)) })
  }

  // A parameter's schema is what @fastify/swagger made of it (its description moved up to the
  // parameter): it keeps no mark; the parameters themselves are shared below.
  function lift (value: Json, marks = true): Json {
    if (Array.isArray(value)) return value.map((v) => lift(v, marks))
    if (!isObject(value)) return value
    const name = value[COMPONENT]
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(value)) if (k !== COMPONENT) out[k] = lift(v, marks && k !== 'parameters')
    if (typeof name !== 'string' || !marks) return out
    // A use that differs from its component only in its description keeps the description
    // beside the $ref (OpenAPI 3.1 allows it): a date says which date it is.
    const text = JSON.stringify(withoutDescription(out))
    const seen = named.get(name)
    if (seen === undefined) named.set(name, { schema: out, text })
    else if (seen.text !== text) return out
    const own = out.description !== undefined && out.description !== (seen ?? { schema: out }).schema.description
    return { $ref: `#/components/schemas/${name}`, ...(own ? { description: out.description } : {}) }
  }

  const paths = lift(doc.paths) as Record<string, Record<string, JsonObject>>
  let problemResponse: JsonObject | undefined
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      const responses = op.responses as Record<string, JsonObject> | undefined
      for (const [status, response] of Object.entries(responses ?? {})) {
        const json = (response.content as Record<string, { schema?: JsonObject }> | undefined)?.['application/json']
        if (Number(status) < 400 || json?.schema?.$ref !== `#/components/schemas/${PROBLEM}`) continue
        problemResponse ??= { description: response.description, content: { [PROBLEM_TYPE]: { schema: json.schema } } }
        ;(responses as Record<string, JsonObject>)[status] = { $ref: `#/components/responses/${PROBLEM}` }
      }
    }
  }
  requirePreconditions(paths)
  const parameters = sharedParameters(paths)
  const components = (doc.components ?? {}) as JsonObject
  const schemas = { ...(components.schemas as JsonObject | undefined), ...Object.fromEntries([...named].map(([n, s]) => [n, s.schema])) }
  return {
    ...doc,
    paths,
    components: {
      ...components,
      schemas,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      ...(problemResponse ? { responses: { ...(components.responses as JsonObject | undefined), [PROBLEM]: problemResponse } } : {})
    }
  }
}

/** The parameters several operations declare alike (the id in the path, limit, cursor …) as
 *  components.parameters, named by the parameter; each use becomes a $ref. */
function sharedParameters (paths: Record<string, Record<string, JsonObject>>): JsonObject {
  const uses = new Map<string, { parameter: JsonObject, count: number }>()
  const ops = Object.values(paths).flatMap((item) => Object.values(item))
  for (const op of ops) {
    for (const p of (op.parameters ?? []) as JsonObject[]) {
      const text = JSON.stringify(p)
      const seen = uses.get(text)
      if (seen) seen.count++
      else uses.set(text, { parameter: p, count: 1 })
    }
  }
  // The most used form of each name is shared; another form of it stays where it is.
  const byName = new Map<string, { text: string, count: number }>()
  for (const [text, { parameter, count }] of uses) {
    const name = `${String(parameter.in)}.${String(parameter.name)}`
    if (count > 1 && count > (byName.get(name)?.count ?? 0)) byName.set(name, { text, count })
  }
  const shared: JsonObject = {}
  const refs = new Map<string, string>()
  for (const [, { text }] of byName) {
    const parameter = JSON.parse(text) as JsonObject
    const name = String(parameter.name)
    const key = shared[name] === undefined ? name : `${name}-${String(parameter.in)}`
    shared[key] = parameter
    refs.set(text, `#/components/parameters/${key}`)
  }
  for (const op of ops) {
    if (!Array.isArray(op.parameters)) continue
    op.parameters = (op.parameters as JsonObject[]).map((p) => {
      const ref = refs.get(JSON.stringify(p))
      return ref ? { $ref: ref } : p
    })
  }
  return shared
}

/** If-Match is required of every change that takes it (428 without it): the document says so,
 *  though its schema leaves the refusal to the handler. */
function requirePreconditions (paths: Record<string, Record<string, JsonObject>>): void {
  for (const op of Object.values(paths).flatMap((item) => Object.values(item))) {
    for (const p of (op.parameters ?? []) as JsonObject[]) if (p.in === 'header' && p.name === 'if-match') p.required = true
  }
}

function withoutDescription (schema: JsonObject): JsonObject {
  const { description: _description, ...rest } = schema
  return rest
}
