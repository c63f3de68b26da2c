import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'data/**', 'dist/**', 'migrations/**', 'openapi/**', '.tap/**', 'bench/results.json'] })
]
