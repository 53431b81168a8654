import { defineConfig } from 'drizzle-kit';

// `generate` only reads the schema, so no credentials are needed here; migrations are
// applied by the API at startup (src/db/migrate.ts), never pushed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/api/src/db/schema.ts',
  out: './apps/api/drizzle',
});
