// Dependencies point one way (issue 21.5): every file of src/ belongs to a layer, and imports only
// from layers beneath its own; no two files, and no two units (a layer, or one feature folder
// under modules/), import each other even by a detour. A new folder must be placed in the table;
// an import that runs back up, or closes a circle, fails here with the files that make it.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SRC = join(ROOT, 'src')

interface Layer { readonly unit: string, readonly files: RegExp, readonly rank: number, readonly why: string }

/** The layers, lowest first: a file may import its own unit, or a unit of a lower rank. Feature
 *  folders (modules/<noun>) share a rank and may use one another, never in a circle. */
const LAYERS: readonly Layer[] = [
  { unit: 'leaf', files: /^(errors|bounded-map|clock|process-identity)\.ts$/, rank: 0, why: 'error codes, a bounded map, the Clock type, this process\'s identity: import nothing of ours' },
  { unit: 'domain', files: /^domain\//, rank: 1, why: 'the rules: pure, no I/O; only error codes beneath them' },
  { unit: 'config', files: /^config(-[a-z]+)?\.ts$/, rank: 2, why: 'the settings: their schema takes defaults and checks from the rules' },
  { unit: 'security', files: /^security\//, rank: 3, why: 'roles, tokens, passwords, the ID-number codec: read settings, never the database' },
  { unit: 'logging', files: /^logging\.ts$/, rank: 3, why: 'the logger masks personal data by the rules; knows nothing of HTTP or the store' },
  { unit: 'db', files: /^db\//, rank: 4, why: 'the store: scopes filter by security\'s roles; it knows no HTTP and no feature' },
  { unit: 'http', files: /^http\//, rank: 4, why: 'shared HTTP schemas and helpers: no database, no feature' },
  { unit: 'plugins', files: /^plugins\//, rank: 5, why: 'cross-cutting Fastify plugins over db, security and http; never a feature' },
  { unit: 'modules', files: /^modules\/[^/]+\.ts$/, rank: 6, why: 'what every feature is built with (ServiceContext, date checks)' },
  { unit: 'modules/*', files: /^modules\/[^/]+\//, rank: 7, why: 'one feature per folder: routes, services, repositories; may use another feature, never in a circle' },
  { unit: 'app', files: /^app\.ts$/, rank: 8, why: 'buildApp registers the plugins, then the features' },
  { unit: 'openapi-document', files: /^openapi-document\.ts$/, rank: 9, why: 'the OpenAPI document, read from a built app' },
  { unit: 'cli', files: /^cli\//, rank: 10, why: 'the commands, over the app and the services' },
  { unit: 'server', files: /^server\.ts$/, rank: 10, why: 'the process: reads the environment, builds the app, listens' }
]

type Graph = ReadonlyMap<string, ReadonlySet<string>>

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? sourceFiles(path) : e.name.endsWith('.ts') ? [path] : []
  })
}

// `import … from './x.js'`, `export … from './x.js'`, `import './x.js'` and `import('./x.js')`,
// types included: a type-only import still ties the importer to that file's layer. Packages
// (no leading dot) are not ours.
const RELATIVE_IMPORT = /(?:^|[\n;])\s*(?:import|export)\b[^'"`;]*?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/** Each file of src/ (path relative to src/, '/'-separated) and the src files it imports. */
function importGraph (): Graph {
  const graph = new Map<string, Set<string>>()
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split('\\').join('/')
    const deps = new Set<string>()
    for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE_IMPORT)) {
      const spec = (m[1] ?? m[2]) as string
      if (!spec.endsWith('.js')) continue // data read at build time (openapi.json), not code
      deps.add(posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts'))
    }
    graph.set(from, deps)
  }
  return graph
}

function layerOf (file: string): Layer | undefined {
  return LAYERS.find((l) => l.files.test(file))
}

/** The unit a file belongs to: its layer, or for a feature its own folder (modules/<noun>). */
function unitOf (file: string): string | undefined {
  const layer = layerOf(file)
  return layer?.unit === 'modules/*' ? file.split('/').slice(0, 2).join('/') : layer?.unit
}

/** Imports that run back up: to a unit of the same or a higher rank (features excepted). */
function backEdges (graph: Graph): string[] {
  const found: string[] = []
  for (const [from, deps] of graph) {
    const a = layerOf(from)
    for (const to of deps) {
      const b = layerOf(to)
      if (a === undefined || b === undefined || unitOf(from) === unitOf(to)) continue
      const sideways = a.unit === 'modules/*' && b.unit === 'modules/*'
      if (!sideways && b.rank >= a.rank) found.push(`${from} (${a.unit}) → ${to} (${b.unit})`)
    }
  }
  return found
}

/** The circles of a graph (strongly connected components of more than one node, or a node that
 *  imports itself), each sorted, Tarjan's algorithm. */
function circles (graph: Graph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    index.set(v, index.size)
    low.set(v, index.get(v) as number)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = []
      let w: string | undefined
      do {
        w = stack.pop() as string
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

/** The graph of units: an edge when some file of one imports some file of the other. */
function unitGraph (graph: Graph): Graph {
  const units = new Map<string, Set<string>>()
  for (const [from, deps] of graph) {
    const a = unitOf(from) ?? from
    const edges = units.get(a) ?? new Set<string>()
    units.set(a, edges)
    for (const to of deps) {
      const b = unitOf(to) ?? to
      if (b !== a) edges.add(b)
    }
  }
  return units
}

const graph = importGraph()

t.test('the import graph is read: every import of src/ names a file of src/', async (t) => {
  const edges = [...graph.values()].reduce((n, deps) => n + deps.size, 0)
  t.ok(edges > 300, `${edges} imports read from ${graph.size} files`)
  t.ok(graph.get('app.ts')?.has('modules/officers/routes.ts'), 'app.ts imports the officers\' routes')
  t.ok(graph.get('modules/officers/service.ts')?.has('modules/audit/repository.ts'), 'a multi-name import is read (officers → audit)')
  const dangling = [...graph].flatMap(([from, deps]) => [...deps].filter((to) => !graph.has(to)).map((to) => `${from} → ${to}`))
  t.same(dangling, [], 'no import names a file that is not there (the parser resolves them)')
})

t.test('every file of src/ belongs to exactly one layer of the table', async (t) => {
  const unplaced = [...graph.keys()].filter((f) => LAYERS.filter((l) => l.files.test(f)).length !== 1)
  t.same(unplaced, [], 'a new folder or top-level file is placed in LAYERS, with its reason')
  t.ok(LAYERS.every((l) => l.why.length > 0), 'each layer says why it sits where it does')
})

t.test('no import runs back up: each file imports its own unit or a lower layer', async (t) => {
  t.same(backEdges(graph), [], 'domain ← config ← security ← db, http ← plugins ← modules ← app ← cli, server')
})

t.test('no circle: neither among files nor among units (a layer, or a feature folder)', async (t) => {
  t.same(circles(graph), [], 'no file reaches itself through its imports')
  t.same(circles(unitGraph(graph)), [], 'no unit reaches itself: e.g. officers → audit → officers, or db ↔ security')
})

t.test('the checks fail on a back-edge and on a circle (they can fail)', async (t) => {
  const withBackEdge = new Map(graph)
  withBackEdge.set('plugins/idempotency.ts', new Set([...graph.get('plugins/idempotency.ts') ?? [], 'modules/context.ts']))
  t.same(backEdges(withBackEdge), ['plugins/idempotency.ts (plugins) → modules/context.ts (modules)'], 'a plugin reaching up into modules is named')
  const withCircle = new Map(graph)
  withCircle.set('modules/audit/repository.ts', new Set([...graph.get('modules/audit/repository.ts') ?? [], 'modules/officers/repository.ts']))
  t.same(circles(withCircle), [], 'no file circle: officers/repository does not import audit')
  t.same(circles(unitGraph(withCircle)), [['modules/agencies', 'modules/audit', 'modules/certificates', 'modules/officers']],
    'audit → officers closes circles through every feature that audits and that officers use (officers → audit, officers → certificates → audit, …)')
  const pair = new Map([['a.ts', new Set(['b.ts'])], ['b.ts', new Set(['a.ts'])]])
  t.same(circles(pair), [['a.ts', 'b.ts']], 'two files importing each other are a circle')
})
