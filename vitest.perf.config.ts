import { defineConfig } from 'vitest/config';

// Browser speed figures (first view interactive, queue frame rate) measured with nothing
// else running: one file, one worker, after the main suite.
export default defineConfig({
  test: {
    include: ['test/e2e/web-perf.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
