import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Loading BPF objects runs the verifier; give the kernel room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
