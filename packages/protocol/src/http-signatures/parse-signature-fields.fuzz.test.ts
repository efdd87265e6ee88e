/**
 * Fuzz: the field parsers and the whole verifier never throw on arbitrary header values (they
 * return a typed reason), over random strings and over mutations of a valid RFC 9421 input.
 * Budget: a few thousand runs, well under a second on one core.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseContentDigest, verifyContentDigest } from './content-digest.js'
import { parseSignatureInput, parseSignatures } from './parse-signature-fields.js'
import { B26_SIGNATURE, B26_SIGNATURE_INPUT, testRequest } from './rfc9421-vectors.fixtures.js'
import { verifyHttpSignature } from './verify-http-signature.js'

const SF_CHARS = 'sig1=():;,"\\ ?*@-._abcAZ09+/%\t'
const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...SF_CHARS), { maxLength: 120 }).map((chars) => chars.join('')),
)
const mutated = (seed: string) =>
  fc
    .tuple(fc.nat({ max: seed.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 8 }))
    .map(([at, cut, insert]) => `${seed.slice(0, at)}${insert}${seed.slice(at + cut)}`)
const fieldValue = fc.oneof(anyText, mutated(B26_SIGNATURE_INPUT), mutated(B26_SIGNATURE))
const lines = fc.oneof(fieldValue, fc.array(fieldValue, { maxLength: 3 }))

describe('http-signatures parsers never throw', () => {
  it('parseSignatureInput, parseSignatures, parseContentDigest', () => {
    fc.assert(
      fc.property(lines, (value) => {
        for (const result of [
          parseSignatureInput(value),
          parseSignatures(value),
          parseContentDigest(value),
        ]) {
          expect(typeof result.ok).toBe('boolean')
        }
        expect(typeof verifyContentDigest(value, new Uint8Array(3)).ok).toBe('boolean')
      }),
      { numRuns: 2000 },
    )
  })

  it('verifyHttpSignature', async () => {
    await fc.assert(
      fc.asyncProperty(
        lines,
        lines,
        fc.option(anyText, { nil: undefined }),
        async (input, signature, target) => {
          const request = testRequest({ 'Signature-Input': '', Signature: '' })
          const result = await verifyHttpSignature({
            request: {
              ...request,
              headers: { ...request.headers, 'Signature-Input': input, Signature: signature },
              ...(target === undefined ? {} : { target }),
            },
            resolveKey: () => ({ alg: 'ed25519', publicKey: new Uint8Array(32) }),
            now: 1618884473 * 1000,
            maxAgeSeconds: 30,
            clockSkewSeconds: 5,
            requiredComponents: [],
          })
          expect(result.ok).toBe(false)
        },
      ),
      { numRuns: 1000 },
    )
  })
})
