// The test files as npm test runs them: each one bundled with the project's own modules it
// imports into one ES module under .tap/bundles/ (packages stay in node_modules, loaded as they
// are), so a test process starts on plain Node instead of loading every module through tsx's
// hooks. That cost about a second of CPU per process (0.5 s for the packages alone, whose
// resolution and loading the hooks see too), more than the whole of many a file's own tests.
//
// Each module keeps its own import.meta.url (the .ts file's address, written in at the build),
// so paths a test or the service computes from where its source lives (the migrations, the
// OpenAPI file, fixtures, the README) are what they were; the inline source maps give stack
// traces in the .ts files. Children a test starts (the service, the commands, workers) load as
// they did: from dist/ or through tsx, named by the test.
import { readFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

/** Keeps import.meta.url of every bundled module its own source file's. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup (b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(path).href)),
      loader: 'ts'
    }))
  }
}

/** Bundles `files` (paths relative to `root`) into root/.tap/bundles; resolves with a map from
 *  each file to its bundle's path, and the project's modules each bundle holds (paths relative
 *  to `root`, / as separator). Rejects with esbuild's messages when a file does not build. */
export async function bundleTests (root, files) {
  const outdir = join(root, '.tap', 'bundles')
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: files,
    outdir,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    metafile: true,
    plugins: [ownImportMetaUrl]
  })
  const inputsOf = new Map(Object.values(metafile.outputs).filter((o) => o.entryPoint !== undefined).map((o) => [o.entryPoint, Object.keys(o.inputs)]))
  return new Map(files.map((file) => [file, {
    bundle: join(outdir, file.replace(/\.ts$/, '.mjs')),
    modules: new Set(inputsOf.get(file.split(sep).join('/')) ?? [])
  }]))
}
