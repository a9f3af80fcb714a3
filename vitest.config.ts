import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@sekisho/source'] },
  ssr: { resolve: { conditions: ['@sekisho/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Caches and the advisory database point into a temporary folder per run (per test file):
    // nothing on the machine (~/.cache/sekisho, $SEKISHO_DB) can change a result.
    globalSetup: ['packages/core/src/testing/vitest-global-setup.ts'],
    setupFiles: ['packages/core/src/testing/vitest-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
