import { existsSync } from 'node:fs'
import { rolldown } from 'rolldown'
import { describe, expect, it } from 'vitest'

const ENTRY = new URL('../dist/index.js', import.meta.url).pathname
const SIGNER_ENTRY = new URL('../dist/signer/index.js', import.meta.url).pathname

/**
 * The SDK as a browser app's bundler sees it: the compiled entry bundled for the browser. It must
 * pull in the EIP-4361 grammar and Keccak-256 from @sigil/protocol, and nothing Node-only or
 * server-side (jose, the secp256k1 curve, the Starknet tables).
 */
describe('@sigil/client in a browser bundle', () => {
  it('behavior: bundles for the browser with no Node import and only the SIWE half of @sigil/protocol', async () => {
    if (!existsSync(ENTRY)) throw new Error('build first: npm test runs `tsc -b` before vitest')
    const bundle = await rolldown({ input: ENTRY, platform: 'browser', logLevel: 'silent' })
    const { output } = await bundle.generate({ format: 'esm' })
    await bundle.close()
    const [chunk] = output
    expect(chunk.imports).toEqual([]) // everything resolved: no `node:` or bare import left over
    const modules = chunk.moduleIds.map((id) => id.replaceAll('\\', '/'))
    expect(modules.some((id) => id.includes('/protocol/') && id.endsWith('/create-siwe-message.js'))).toBe(
      true,
    )
    for (const unwanted of ['jose', '@noble/curves', '@scure/starknet', '/jwt/', '/starknet/', 'node:'])
      expect(modules.filter((id) => id.includes(unwanted))).toEqual([])
    expect(chunk.code.length).toBeLessThan(80_000) // today about 71 kB, unminified, comments kept
  })

  it('behavior: an app that imports only the client leaves the WebSocket helper out (tree-shaking)', async () => {
    if (!existsSync(ENTRY)) throw new Error('build first: npm test runs `tsc -b` before vitest')
    const app = 'virtual:app'
    const bundle = await rolldown({
      input: app,
      platform: 'browser',
      logLevel: 'silent',
      plugins: [
        {
          name: 'app',
          resolveId: (id) => (id === app ? id : undefined),
          load: (id) =>
            id === app
              ? `import { createSigilClient } from ${JSON.stringify(ENTRY)}; export const c = createSigilClient`
              : undefined,
        },
      ],
    })
    const { output } = await bundle.generate({ format: 'esm' })
    await bundle.close()
    const [chunk] = output
    expect(chunk.code).toContain('signInWithEthereum')
    expect(chunk.code).not.toContain('reconnecting')
    expect(chunk.moduleIds.filter((id) => id.replaceAll('\\', '/').endsWith('/socket.js'))).toEqual([])
  })

  it('behavior: the opt-in @sigil/client/signer bundles for the browser: noble Ed25519/P-256, no Node, no JWT or Starknet code', async () => {
    if (!existsSync(SIGNER_ENTRY)) throw new Error('build first: npm test runs `tsc -b` before vitest')
    const bundle = await rolldown({ input: SIGNER_ENTRY, platform: 'browser', logLevel: 'silent' })
    const { output } = await bundle.generate({ format: 'esm' })
    await bundle.close()
    const [chunk] = output
    expect(chunk.imports).toEqual([])
    const modules = chunk.moduleIds.map((id) => id.replaceAll('\\', '/'))
    expect(modules.some((id) => id.endsWith('/http-signatures/sign-http-request.js'))).toBe(true)
    expect(modules.some((id) => id.includes('@noble/curves') && id.endsWith('/ed25519.js'))).toBe(true)
    for (const unwanted of ['jose', '@scure/starknet', '/jwt/', '/starknet/', '/siwe/', 'node:'])
      expect(modules.filter((id) => id.includes(unwanted))).toEqual([])
  })
})
