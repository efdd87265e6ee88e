/**
 * `EvmCrypto` over native libsecp256k1 (the `secp256k1` package's N-API addon, SEC 1 §4.1.6
 * recovery) and hash-wasm's Keccak-256: about 20× faster than @noble per sign-in
 * (perf-baselines.md §1). Server-only: it needs a prebuilt native addon and WebAssembly.
 */
import { createRequire } from 'node:module'
import type { EvmCrypto } from '@sigil/protocol'
import { createKeccak } from 'hash-wasm'
import { assertKnownAnswers } from './assert-known-answers.js'

/** The one function of the `secp256k1` package that recovery needs. */
interface NativeSecp256k1 {
  ecdsaRecover(signature: Uint8Array, recid: number, message: Uint8Array, compressed?: boolean): Uint8Array
}

/**
 * Loads the native addon and the WASM keccak, then checks both against known answers. Rejects
 * when either is unavailable or wrong; `selectEvmCrypto` decides whether that is fatal.
 */
export async function createNativeEvmCrypto(): Promise<EvmCrypto> {
  // `secp256k1`'s main entry silently falls back to a pure-JS `elliptic` build when the addon does
  // not load, which would be slower than @noble and not what was asked for. `bindings.js` loads
  // only the N-API addon (via node-gyp-build) and throws when it is missing.
  const require = createRequire(import.meta.url)
  const secp = require('secp256k1/bindings.js') as NativeSecp256k1

  // One hasher, created once. Each call runs init/update/digest synchronously, so calls cannot
  // interleave on the shared WASM state. `digest('binary')` returns a fresh copy.
  const keccak = await createKeccak(256)

  const crypto: EvmCrypto = Object.freeze({
    name: 'native',
    keccak256(data: Uint8Array): Uint8Array {
      return keccak.init().update(data).digest('binary')
    },
    recoverPublicKey(hash: Uint8Array, signature: Uint8Array, recovery: 0 | 1): Uint8Array | null {
      // The addon accepts recovery ids 2 and 3 (R.x ≥ n); the contract, like Ethereum, does not.
      if (hash.length !== 32 || signature.length !== 64 || (recovery !== 0 && recovery !== 1)) return null
      try {
        // Throws when r or s is zero or ≥ n, or when no key recovers: all mean null here.
        return secp.ecdsaRecover(signature, recovery, hash, false)
      } catch {
        return null
      }
    },
  })
  assertKnownAnswers(crypto)
  return crypto
}
