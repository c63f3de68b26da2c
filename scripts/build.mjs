// npm run build [-- server|commands]: bundles what `npm start` and the commands run into
// dist/ (esbuild); both by default, one of them when named (npm start builds only the server).
// - dist/server.mjs: our code and its packages in one file, but for three loaded from
//   node_modules as they are: better-sqlite3 (native), @fastify/swagger-ui (it serves its own
//   asset files) and exceljs (large, loaded on the first xlsx export only). Resolving and
//   reading a few hundred package files one by one took about 40 % of the start-up (B5).
// - dist/cli/*.mjs: the commands with their packages bundled in (only the native better-sqlite3
//   stays outside), so a nightly command starts in about a tenth of a second.
// Each file is written aside and renamed into place: a command started while another one
// rebuilds (two cron jobs at the same minute) never loads a half-written bundle.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
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
