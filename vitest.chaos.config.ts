import { defineConfig } from 'vitest/config';

// The chaos suite attacks a real tower running as a child process (kill -9, SIGTERM,
// overload, hostile input). Files run one at a time: they load the machine on purpose
// and their timing assertions must not compete with each other.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
