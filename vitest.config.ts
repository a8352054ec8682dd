import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each test file gets its own workspace; two workers suit the 2-core machines.
    maxWorkers: 2,
    env: { TZ: 'UTC' },
    globalSetup: ['src/testing/global-tmp.ts'],
  },
});
