import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The web console, built into packages/server/console-dist (git-ignored) by `npm run build` and
 * npm's `prepare`; the server serves those files at /console (src/http/console.ts).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  // The workspace packages' TypeScript sources, as the tests read them: no dependency on dist/.
  resolve: { conditions: ['@sigil/source', 'browser', 'module', 'import', 'default'] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../console-dist', import.meta.url)),
    emptyOutDir: true,
    // Only files: the CSP allows no inline script, and every browser the console targets has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    reportCompressedSize: false,
  },
  logLevel: 'warn',
})
