import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Starts embedded PostgreSQL once when DATABASE_URL is unset (see src/testing/global-setup.ts).
    globalSetup: ['src/testing/global-setup.ts'],
    hookTimeout: 120_000,
    testTimeout: 30_000,
  },
});
