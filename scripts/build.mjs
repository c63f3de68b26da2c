// npm run build [-- server|commands]: bundles what `npm start` and the commands run into
// dist/ (esbuild); both by default, one of them when named (npm start builds only the server).
// - dist/server.mjs: our code and its packages in one file, but for three loaded from
//   node_modules as they are: better-sqlite3 (native), @fastify/swagger-ui (it serves its own
//   asset files) and exceljs (large, loaded on the first xlsx export only). Resolving and
//   reading a few hundred package files one by one took about 40 % of the start-up (B5).
// - dist/cli/*.mjs: the commands with their packages bundled in (only the native better-sqlite3
//   stays outside), so a nightly command starts in about a tenth of a second.
// - In both, src/config-validator.ts (the settings check, compiled by Ajv when loaded) is
//   replaced by the same check compiled here, once, as Ajv's standalone code.
// Each file is written aside and renamed into place: a command started while another one
// rebuilds (two cron jobs at the same minute) never loads a half-written bundle.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const only = process.argv[2]
if (only !== undefined && only !== 'server' && only !== 'commands') {
  process.stderr.write('usage: node scripts/build.mjs [server|commands]\n')
  process.exit(2)
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  write: false,
  // Bundled CommonJS packages call require(); give the ES module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
}
/** The settings check as ES module source: the schema and Ajv's options of
 *  src/config-validator.ts, compiled by Ajv with code.source, its `uri` format required from
 *  src/config-formats.ts, exported under the same name. */
async function standaloneConfigValidator () {
  const aside = resolve(`dist/config-validator.${process.pid}.tmp.mjs`)
  const entry = "export { ConfigSchema } from './config-schema.ts'\nexport { CONFIG_AJV_OPTIONS } from './config-validator.ts'\nexport { uri } from './config-formats.ts'\n"
  await build({ ...common, write: true, stdin: { contents: entry, resolveDir: resolve('src'), loader: 'ts' }, packages: 'external', outfile: aside })
  try {
    const { ConfigSchema, CONFIG_AJV_OPTIONS, uri } = await import(pathToFileURL(aside).href)
    const { Ajv, _ } = await import('ajv')
    const { default: standaloneCode } = await import('ajv/dist/standalone/index.js')
    const formats = resolve('src/config-formats.ts')
    const ajv = new Ajv({ ...CONFIG_AJV_OPTIONS, code: { ...CONFIG_AJV_OPTIONS.code, source: true, esm: true, formats: _`require(${formats})` } })
    ajv.addFormat('uri', uri)
    return `${standaloneCode(ajv, ajv.compile(ConfigSchema))}\nexport { validate as validateConfig }\n`
  } finally {
    rmSync(aside, { force: true })
  }
}
const validatorSource = await standaloneConfigValidator()
/** Loads the compiled settings check in place of src/config-validator.ts. */
const compiledConfigValidator = {
  name: 'compiled-config-validator',
  setup (b) {
    b.onLoad({ filter: /[\\/]src[\\/]config-validator\.ts$/ }, () => ({ contents: validatorSource, loader: 'js', resolveDir: resolve('src') }))
  }
}
common.plugins = [compiledConfigValidator]

const builds = []
if (only !== 'commands') {
  builds.push(build({ ...common, entryPoints: ['src/server.ts'], external: ['better-sqlite3', '@fastify/swagger-ui', 'exceljs'], outfile: 'dist/server.mjs' }))
}
if (only !== 'server') {
  builds.push(build({
    ...common,
    entryPoints: ['src/cli/main.ts', 'src/cli/nightly.ts', 'src/cli/flag-undertrained.ts'],
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    external: ['better-sqlite3']
  }))
}
for (const result of await Promise.all(builds)) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true })
    const aside = `${file.path}.${process.pid}.tmp`
    writeFileSync(aside, file.contents)
    renameSync(aside, file.path)
  }
}
