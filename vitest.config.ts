import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'threads',
    // No test asserts speed (the bench measures it); a loaded 2-core machine must not turn slow into failed.
    testTimeout: 30_000,
  },
});
