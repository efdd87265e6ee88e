/**
 * RFC 9530 `Content-Digest`: an RFC 8941 Dictionary of algorithm → byte sequence. Only `sha-256`
 * and `sha-512` are accepted (the "Active" algorithms of the IANA registry); every accepted digest
 * present must match the body, and at least one must be present, so a request cannot pass by
 * naming only an algorithm we skip.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { parseDictionary, serializeByteSequence } from 'structured-headers'
import { bytesEqual } from '../evm/bytes-equal.js'
import { ok, type Result, reject } from '../result.js'

export type ContentDigestAlgorithm = 'sha-256' | 'sha-512'
export type ContentDigestReason = 'invalid_content_digest' | 'content_digest_mismatch'

const DIGESTS = { 'sha-256': { hash: sha256, length: 32 }, 'sha-512': { hash: sha512, length: 64 } } as const
const MAX_CONTENT_DIGEST_LENGTH = 1024

/** Parses the field into its known digests; unknown algorithms are skipped (RFC 9530 §2). */
export function parseContentDigest(
  lines: string | readonly string[],
): Result<Map<ContentDigestAlgorithm, Uint8Array>, 'invalid_content_digest'> {
  const text = typeof lines === 'string' ? lines : lines.join(', ')
  if (text.length > MAX_CONTENT_DIGEST_LENGTH) return reject('invalid_content_digest')
  let dictionary: ReturnType<typeof parseDictionary>
  try {
    dictionary = parseDictionary(text)
  } catch {
    return reject('invalid_content_digest')
  }
  const digests = new Map<ContentDigestAlgorithm, Uint8Array>()
  for (const [algorithm, member] of dictionary) {
    if (algorithm !== 'sha-256' && algorithm !== 'sha-512') continue
    const value = member[0]
    if (!(value instanceof ArrayBuffer) || value.byteLength !== DIGESTS[algorithm].length) {
      return reject('invalid_content_digest')
    }
    digests.set(algorithm, new Uint8Array(value))
  }
  if (digests.size === 0) return reject('invalid_content_digest')
  return ok(digests)
}

/** Checks the field against the body bytes (the bytes as received, before any decoding). */
export function verifyContentDigest(
  lines: string | readonly string[],
  body: Uint8Array,
): Result<ContentDigestAlgorithm[], ContentDigestReason> {
  const parsed = parseContentDigest(lines)
  if (!parsed.ok) return parsed
  for (const [algorithm, expected] of parsed.value) {
    if (!bytesEqual(DIGESTS[algorithm].hash(body), expected)) return reject('content_digest_mismatch')
  }
  return ok([...parsed.value.keys()])
}

/** `sha-256=:…:` for a body, as a signer sends it. */
export function createContentDigest(body: Uint8Array, algorithm: ContentDigestAlgorithm = 'sha-256'): string {
  return `${algorithm}=${serializeByteSequence(DIGESTS[algorithm].hash(body))}`
}
