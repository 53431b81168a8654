import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Kernel tests load BPF programs and run child processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One file at a time: every loaded BPF object sees every process's syscalls, so a flood or 10k connections
    // in one file would load the rings and in-flight maps of another file's exact counts.
    fileParallelism: false,
  },
});
