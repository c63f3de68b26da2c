import { defineConfig } from 'drizzle-kit'

// The PostgreSQL schema's migrations (src/db/pg/schema.ts): `npx drizzle-kit generate --config drizzle.pg.config.ts`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './migrations/pg'
})
