import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@sigil/source'] },
  ssr: { resolve: { conditions: ['@sigil/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
})
