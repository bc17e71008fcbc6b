import { defineConfig } from 'vitest/config';

// chDB is a native addon with one data directory per process: every test file runs in
// its own forked process and isolates its data by database.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The chaos suite (kill -9, overload, fuzz against a child process) runs on its own: npm run test:chaos.
    // The web speed test runs alone after the rest (vitest.perf.config.ts): frame rates measured
    // beside another test file would measure that file.
    exclude: ['test/chaos/**', 'test/e2e/web-perf.test.ts', '**/node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
