import { defineConfig } from 'vitest/config';

// Tests import the built package ('simdtrain' resolves to dist/ through the
// package's own "exports"), so they exercise exactly what users install.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Native kernels use the thread pool; forks isolate setIsa/setNumThreads per file.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
