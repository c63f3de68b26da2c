import neostandard from 'neostandard'
import tsParser from '@typescript-eslint/parser'
import tsPlugin from '@typescript-eslint/eslint-plugin'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'data/**', 'dist/**', 'migrations/**', 'openapi/**', '.tap/**', 'bench/results.json'] }),
  // Storage is async (src/db/store.ts): a promise nobody awaits lets a transaction's work run
  // after it committed, or an error go unseen. These two rules need the types, so they read the
  // TypeScript project. A tap subtest (t.test) is awaited by tap itself.
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tsPlugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', name: ['test'], package: '@tapjs/test' }] }],
      '@typescript-eslint/await-thenable': 'error'
    }
  }
]
