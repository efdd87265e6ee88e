import { invert } from '@noble/curves/abstract/modular.js'
import { Signature, verify as scureVerify } from '@scure/starknet'
import fc from 'fast-check'
import { ec } from 'starknet'
import { describe, expect, it } from 'vitest'
import { STARK_P } from './felt.js'
import { STARK_N, STARK_SIGNATURE_BOUND } from './stark-curve.js'
import { verifyStarkSignature } from './verify-stark-signature.js'

// §11 vectors.
const A2 = {
  publicKey: 0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1n,
  onboarding: {
    msgHash: 0x6c975a8f9d37ee1632ca3b53610d4fd5b9c65121b5c3c9c226050b5a3dab32an,
    signature: {
      r: 1207364183912744849924911083485796864406020986672792697362829146565411517339n,
      s: 1275160622661831729622329897340354498844008076747286145210697156983869765487n,
    },
  },
  auth: {
    msgHash: 0x3e8b176d63cda7a3a0f8b1a3ef02441b3ac411a84061790b6b3284f205c3461n,
    signature: {
      r: 2105589238283978953080427307731392135090848422537080262268331518568937875300n,
      s: 190964525520992596907203432662760360283918865423507051678346357635921895607n,
    },
  },
}
const A1 = {
  publicKey: 0x6474150249eab5cd37f421f36b2750ad8fb226530dcef499bfa21fd73120e18n,
  onboarding: {
    msgHash: 0x6e7cbfc8b6caf4b1bab34099375de41faf356e49faa269bde1ea600c9ca066en,
    signature: {
      r: 2461900340842626584063066948425663763459676092437229186077760961749458938402n,
      s: 562707615619301489525157539908280059902728572349298834201676705539063114036n,
    },
  },
  auth: {
    msgHash: 0x236dbd6a9bc4620119cf51817e3699555ccf3064bf282a89855a5ca9c5659b4n,
    signature: {
      r: 1526224300376965922570256861186951068900143424422399327995720490221142299301n,
      s: 3061633600934913189981496033928111255703242599548694030083902074285894802531n,
    },
  },
}
const A2_PRIVATE_KEY = 0x2482c217d9d4f7cab57ca16f93d64edcfeff9aa1874a1dc57fa1c28dafcd0aan

const valid = { ok: true, value: undefined }
const invalid = { ok: false, reason: 'signature_invalid' }
const hex64 = (x: bigint) => x.toString(16).padStart(64, '0')
const withSignature = (r: bigint, s: bigint) => ({ ...A2.auth, publicKey: A2.publicKey, signature: { r, s } })

/** A private key as starknet.js takes it. */
const key = (d: bigint) => `0x${hex64(d)}`
const starkKey = (d: bigint) => BigInt(ec.starkCurve.getStarkKey(key(d)))

/**
 * The verifier this one replaced, kept as the reference: @scure/starknet's `verify` on both points
 * of the x-only key, a throw (its range checks) counting as a refusal.
 */
function referenceVerify(msgHash: bigint, r: bigint, s: bigint, publicKey: bigint): boolean {
  const attempt = (prefix: string) => {
    try {
      return scureVerify(new Signature(r, s), hex64(msgHash), `${prefix}${hex64(publicKey)}`)
    } catch {
      return false
    }
  }
  return attempt('02') || attempt('03')
}

const scalar = fc.bigInt({ min: 1n, max: STARK_N - 1n })
const hash = fc.bigInt({ min: 0n, max: STARK_SIGNATURE_BOUND - 1n })

describe('verifyStarkSignature', () => {
  it('default: the A1 and A2 onboarding and auth signatures verify (§11)', () => {
    for (const account of [A1, A2]) {
      for (const message of [account.onboarding, account.auth]) {
        expect(verifyStarkSignature({ ...message, publicKey: account.publicKey })).toEqual(valid)
      }
    }
  })

  it('behavior: A2 auth verifies with the odd-y point only, so both parities must be tried (§2, §11)', () => {
    const sig = new Signature(A2.auth.signature.r, A2.auth.signature.s)
    const hash = hex64(A2.auth.msgHash)
    expect(scureVerify(sig, hash, `03${hex64(A2.publicKey)}`)).toBe(true)
    expect(scureVerify(sig, hash, `02${hex64(A2.publicKey)}`)).toBe(false)
    expect(verifyStarkSignature({ ...A2.auth, publicKey: A2.publicKey })).toEqual(valid)
  })

  it('behavior: the keys d and n − d share a stark key, and signatures by either verify', () => {
    const twin = STARK_N - A2_PRIVATE_KEY
    expect(starkKey(twin)).toBe(A2.publicKey)
    const msgHash = 0x123456789abcdefn
    for (const d of [A2_PRIVATE_KEY, twin]) {
      const { r, s } = ec.starkCurve.sign(hex64(msgHash), key(d))
      expect(verifyStarkSignature({ msgHash, signature: { r, s }, publicKey: A2.publicKey })).toEqual(valid)
    }
  })

  it('behavior: high-s is allowed; the twin (r, n − s) of a valid signature verifies too', () => {
    const { r, s } = A2.auth.signature
    expect(verifyStarkSignature(withSignature(r, STARK_N - s))).toEqual(valid)
  })

  it('behavior: signatures made by starknet.js verify, for varied keys and hashes', () => {
    // Deterministic spread of full-size keys and hashes, so that a failure reproduces.
    for (let i = 2n; i < 10n; i++) {
      const d = A2_PRIVATE_KEY ** i % STARK_N
      const msgHash = (d * 0x9e3779b97f4a7c15n) % STARK_SIGNATURE_BOUND
      const { r, s } = ec.starkCurve.sign(hex64(msgHash), key(d))
      const publicKey = starkKey(d)
      expect(verifyStarkSignature({ msgHash, signature: { r, s }, publicKey })).toEqual(valid)
      expect(verifyStarkSignature({ msgHash: msgHash ^ 1n, signature: { r, s }, publicKey })).toEqual(invalid)
    }
  })

  it('error: a hash changed by one bit fails (§11)', () => {
    for (const bit of [0n, 100n, 250n]) {
      expect(
        verifyStarkSignature({ ...A2.auth, msgHash: A2.auth.msgHash ^ (1n << bit), publicKey: A2.publicKey }),
      ).toEqual(invalid)
    }
  })

  it('error: another account’s signature or key fails', () => {
    expect(verifyStarkSignature({ ...A1.auth, publicKey: A2.publicKey })).toEqual(invalid)
    expect(
      verifyStarkSignature({ ...A2.auth, signature: A1.auth.signature, publicKey: A2.publicKey }),
    ).toEqual(invalid)
  })

  it.each([
    ['r = 0', 0n, A2.auth.signature.s],
    ['r = 2^251', STARK_SIGNATURE_BOUND, A2.auth.signature.s],
    ['r = n', STARK_N, A2.auth.signature.s],
    ['r negative', -A2.auth.signature.r, A2.auth.signature.s],
    ['s = 0', A2.auth.signature.r, 0n],
    ['s = n', A2.auth.signature.r, STARK_N],
    ['s = n + s', A2.auth.signature.r, STARK_N + A2.auth.signature.s],
    ['s with w = s⁻¹ = 2^251', A2.auth.signature.r, invert(STARK_SIGNATURE_BOUND, STARK_N)],
    ['s = n − 1 (w = n − 1 ≥ 2^251)', A2.auth.signature.r, STARK_N - 1n],
    ['s = 2^256', A2.auth.signature.r, 2n ** 256n],
  ])('error: %s → signature_invalid, without throwing', (_name, r, s) => {
    expect(verifyStarkSignature(withSignature(r, s))).toEqual(invalid)
  })

  it('error: w = s⁻¹ just below 2^251 passes the range check (then fails as a signature)', () => {
    const s = invert(STARK_SIGNATURE_BOUND - 1n, STARK_N)
    expect(verifyStarkSignature(withSignature(A2.auth.signature.r, s))).toEqual(invalid)
  })

  it.each([
    ['2^251', STARK_SIGNATURE_BOUND],
    ['P − 1', STARK_P - 1n],
    ['2^256', 2n ** 256n],
    ['negative', -1n],
  ])('error: msgHash = %s → signature_invalid, without throwing', (_name, msgHash) => {
    expect(verifyStarkSignature({ ...A2.auth, msgHash, publicKey: A2.publicKey })).toEqual(invalid)
  })

  it('error: msgHash = 2^251 − 1 and 0 are in range and simply fail', () => {
    for (const msgHash of [STARK_SIGNATURE_BOUND - 1n, 0n]) {
      expect(verifyStarkSignature({ ...A2.auth, msgHash, publicKey: A2.publicKey })).toEqual(invalid)
    }
  })

  it.each([
    ['0', 0n],
    ['P', STARK_P],
    ['2^256', 2n ** 256n],
    ['negative', -A2.publicKey],
    ['an x with no curve point (5)', 5n],
  ])('error: public key %s → signature_invalid, without throwing', (_name, publicKey) => {
    expect(verifyStarkSignature({ ...A2.auth, publicKey })).toEqual(invalid)
  })

  it('error: scalars that are not bigints (untyped input) → signature_malformed', () => {
    for (const signature of [{ r: 1, s: 2 }, { r: '1', s: '2' }, null, undefined, {}]) {
      expect(
        verifyStarkSignature({
          ...A2.auth,
          signature: signature as unknown as { r: bigint; s: bigint },
          publicKey: A2.publicKey,
        }),
      ).toEqual({ ok: false, reason: 'signature_malformed' })
    }
  })

  it('behavior: pinned to @scure/starknet on random keys and hashes: valid, tampered hash, other key, high-s twin, swapped scalars', () => {
    fc.assert(
      fc.property(scalar, scalar, hash, fc.integer({ min: 1, max: 3 }), (d, other, msgHash, repeats) => {
        const { r, s } = ec.starkCurve.sign(hex64(msgHash), key(d))
        const publicKey = starkKey(d)
        const otherKey = starkKey(other)
        const cases: [bigint, bigint, bigint, bigint][] = [
          [msgHash, r, s, publicKey],
          [msgHash ^ 1n, r, s, publicKey],
          [msgHash, r, s, otherKey],
          [msgHash, r, STARK_N - s, publicKey],
          [msgHash, s, r, publicKey],
          [msgHash, r, (s * 2n) % STARK_N || 1n, publicKey],
        ]
        // Repeats walk a key through its three paths: first sight, table build, table.
        for (let i = 0; i < repeats; i++) {
          for (const [h, rr, ss, q] of cases) {
            const expected = referenceVerify(h, rr, ss, q)
            const actual = verifyStarkSignature({ msgHash: h, signature: { r: rr, s: ss }, publicKey: q })
            if (actual.ok !== expected) return false
          }
        }
        return referenceVerify(msgHash, r, s, publicKey)
      }),
      { numRuns: 12 },
    )
  })

  it('behavior: pinned to @scure/starknet on random scalars and hashes (refusals), small and boundary values included', () => {
    const boundary = fc.constantFrom(
      1n,
      2n,
      STARK_SIGNATURE_BOUND - 1n,
      STARK_SIGNATURE_BOUND,
      STARK_N - 1n,
      STARK_N,
    )
    const any = fc.oneof(scalar, boundary, fc.bigInt({ min: 0n, max: 1000n }))
    fc.assert(
      fc.property(any, any, fc.oneof(hash, boundary), (r, s, msgHash) => {
        const expected = msgHash < STARK_SIGNATURE_BOUND && referenceVerify(msgHash, r, s, A2.publicKey)
        return verifyStarkSignature({ msgHash, signature: { r, s }, publicKey: A2.publicKey }).ok === expected
      }),
      { numRuns: 40 },
    )
  })

  it('behavior: a key verified many times (its table built) still refuses what it refused the first time', () => {
    for (let i = 0; i < 4; i++) {
      expect(verifyStarkSignature({ ...A1.auth, publicKey: A1.publicKey })).toEqual(valid)
      expect(
        verifyStarkSignature({ ...A1.auth, msgHash: A1.auth.msgHash ^ 2n, publicKey: A1.publicKey }),
      ).toEqual(invalid)
      expect(verifyStarkSignature({ ...A2.auth, publicKey: A1.publicKey })).toEqual(invalid)
    }
  })

  it('behavior: past 256 returning keys, evicted tables’ memory is reused and every key still verifies exactly', () => {
    const check = () => {
      expect(verifyStarkSignature({ ...A1.auth, publicKey: A1.publicKey })).toEqual(valid)
      expect(
        verifyStarkSignature({ ...A1.auth, msgHash: A1.auth.msgHash ^ 4n, publicKey: A1.publicKey }),
      ).toEqual(invalid)
      expect(verifyStarkSignature({ ...A2.auth, publicKey: A2.publicKey })).toEqual(valid)
    }
    check()
    check() // A1's and A2's tables are built now
    // 300 other keys come back once each: their tables push A1's and A2's out and take their memory.
    const others = Array.from({ length: 300 }, (_, i) => starkKey(BigInt(i) * 7919n + 12345n))
    for (const publicKey of others) {
      for (let i = 0; i < 2; i++) expect(verifyStarkSignature({ ...A1.auth, publicKey })).toEqual(invalid)
    }
    check()
    check()
    const lastPrivate = BigInt(others.length - 1) * 7919n + 12345n
    const { r, s } = ec.starkCurve.sign(hex64(A1.auth.msgHash), key(lastPrivate))
    const signature = { r, s }
    expect(verifyStarkSignature({ msgHash: A1.auth.msgHash, signature, publicKey: others.at(-1)! })).toEqual(
      valid,
    )
  }, 60_000)
})
