// npm run build [-- server|commands]: bundles what `npm start` and the commands run into
// dist/ (esbuild); both by default, one of them when named (npm start builds only the server).
// - dist/server.mjs: our code in one file, the packages loaded from node_modules as they are
//   (several find their own files at run time, e.g. the Swagger UI assets).
// - dist/cli/*.mjs: the commands with their packages bundled in (only the native better-sqlite3
//   stays outside), so a nightly command starts in about a tenth of a second.
import { build } from 'esbuild'

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' }

const only = process.argv[2]
if (only !== undefined && only !== 'server' && only !== 'commands') {
  process.stderr.write('usage: node scripts/build.mjs [server|commands]\n')
  process.exit(2)
}
await Promise.all([
  only !== 'commands' && build({ ...common, entryPoints: ['src/server.ts'], packages: 'external', outfile: 'dist/server.mjs' }),
  only !== 'server' && build({
    ...common,
    entryPoints: ['src/cli/main.ts', 'src/cli/nightly.ts', 'src/cli/flag-undertrained.ts'],
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    external: ['better-sqlite3'],
    // Bundled CommonJS packages call require(); give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
  })
])
