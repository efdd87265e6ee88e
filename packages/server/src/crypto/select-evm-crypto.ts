/**
 * Chooses the secp256k1/keccak backend for EIP-191 signature recovery at boot: native
 * libsecp256k1 when it loads, @noble (pure JS, always available) otherwise.
 */
import { type EvmCrypto, nobleEvmCrypto } from '@sigil/protocol'
import { createNativeEvmCrypto } from './native-evm-crypto.js'

/** `auto`: native if it loads, else noble; `native`: native or fail; `noble`: always noble. */
export type EvmCryptoPreference = 'auto' | 'native' | 'noble'

/**
 * Resolves to the chosen backend; its `.name` (`native` or `noble`) says which one, for the caller
 * to log. Nothing is logged here. `loadNative` exists for tests.
 */
export async function selectEvmCrypto(
  preference: EvmCryptoPreference,
  loadNative: () => Promise<EvmCrypto> = createNativeEvmCrypto,
): Promise<EvmCrypto> {
  switch (preference) {
    case 'noble':
      return nobleEvmCrypto
    case 'native':
      try {
        return await loadNative()
      } catch (cause) {
        // Asked for explicitly: a silent 20× slowdown would be worse than a failed boot.
        throw new Error('native secp256k1 (libsecp256k1 N-API addon) is unavailable', { cause })
      }
    case 'auto':
      // Both backends give identical answers (tested), so falling back changes speed only.
      return loadNative().catch(() => nobleEvmCrypto)
    default:
      throw new Error(`unknown EVM crypto preference: ${String(preference satisfies never)}`)
  }
}
