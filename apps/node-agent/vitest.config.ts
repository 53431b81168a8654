import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Kernel tests load BPF programs and run child processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
