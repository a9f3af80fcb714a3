import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@sekisho/source'] },
  ssr: { resolve: { conditions: ['@sekisho/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
