/**
 * RFC 9421 §3.2: verifies one signature of a request, with Sigil's policy on top of the RFC:
 * - the signature parameters allowed are `created` (required), `keyid` (required), `expires`,
 *   `nonce`, `alg` and `tag`; any other parameter is refused (none is needed, and an unknown one
 *   would be signed but not enforced);
 * - the algorithm is the key's; an `alg` parameter, when present, must name it (§3.2 step 6);
 * - `created` must be within `maxAgeSeconds` of `now` and at most `clockSkewSeconds` ahead;
 *   `expires`, when present, must be after `now`;
 * - the covered components must include `requiredComponents` and, when the request has a body,
 *   `content-digest`, which is then checked against the body (RFC 9530).
 *
 * The checks that need no key come first (cheap rejections before a key lookup), the key lookup is
 * injected (`resolveKey`), and the signature is verified last. On success the caller gets what a
 * replay cache needs: the SHA-256 of the exact signature base, which is the same for a replayed
 * request whatever encoding of the signature bytes it carries.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import type { BareItem } from 'structured-headers'
import { ok, type Result, reject } from '../result.js'
import { buildSignatureBase, canonicalFieldValue, type SignatureBaseReason } from './build-signature-base.js'
import { type ContentDigestReason, verifyContentDigest } from './content-digest.js'
import { parseSignatureInput, parseSignatures, type SignatureFieldReason } from './parse-signature-fields.js'
import {
  type HttpSignatureAlgorithm,
  type HttpSignatureKey,
  signatureLengthOf,
  verifySignatureBytes,
} from './signature-algorithms.js'
import type { SignedRequest } from './signed-request.js'

/** What every Sigil signed request must cover (issue #16); a body adds `content-digest`. */
export const SIGIL_REQUIRED_COMPONENTS: readonly string[] = ['@method', '@authority', '@path', '@query']

export interface VerifyHttpSignatureOptions {
  request: SignedRequest
  /** The label to verify; when omitted, `Signature-Input` must hold exactly one signature. */
  label?: string
  /** Looks the `keyid` up; `undefined` for an unknown, revoked or expired key. */
  resolveKey: (keyId: string) => HttpSignatureKey | undefined | Promise<HttpSignatureKey | undefined>
  /** Current time, epoch milliseconds. */
  now: number
  /** `created` may not be older than this. */
  maxAgeSeconds: number
  /** How far in the future `created` may be (client clock skew). */
  clockSkewSeconds: number
  /** Components the signature must cover, e.g. {@link SIGIL_REQUIRED_COMPONENTS}. */
  requiredComponents: readonly string[]
  /**
   * The signature check itself, when the caller has a faster one with the same rules (a server
   * passes Node's native Ed25519 / P-256); default: @noble's, strict RFC 8032 (signature-algorithms.ts).
   * Called only with a signature of the algorithm's length; must return false, never throw.
   */
  verifySignature?: (key: HttpSignatureKey, base: Uint8Array, signature: Uint8Array) => boolean
}

export interface VerifiedHttpSignature {
  label: string
  keyId: string
  alg: HttpSignatureAlgorithm
  /** Epoch seconds. */
  created: number
  expires?: number
  nonce?: string
  tag?: string
  coveredComponents: string[]
  /** The exact signature base that was verified (UTF-8 bytes were signed). */
  signatureBase: string
  /** Lower-case hex SHA-256 of the signature base: the replay-cache key. */
  signatureBaseHash: string
}

/**
 * Why a request's signature is refused (closed set). Field syntax: `missing_signature`,
 * `malformed_signature_input`, `malformed_signature`, `duplicate_label`, `ambiguous_label` (no
 * label asked and several present), `label_not_found`; parameters: `invalid_signature_params`;
 * components: `invalid_component`, `missing_covered_field`, `missing_required_component`,
 * `invalid_request_target`; time: `created_in_future`, `signature_too_old`, `signature_expired`;
 * body: `invalid_content_digest`, `content_digest_mismatch`; key: `unknown_key`, `alg_mismatch`;
 * signature: `invalid_signature_encoding` (wrong length for the key's algorithm), `bad_signature`.
 */
export type HttpSignatureReason =
  | 'missing_signature'
  | SignatureFieldReason
  | 'ambiguous_label'
  | 'label_not_found'
  | 'invalid_signature_params'
  | SignatureBaseReason
  | 'missing_required_component'
  | 'created_in_future'
  | 'signature_too_old'
  | 'signature_expired'
  | ContentDigestReason
  | 'unknown_key'
  | 'alg_mismatch'
  | 'invalid_signature_encoding'
  | 'bad_signature'

const ALLOWED_PARAMETERS = new Set(['created', 'expires', 'nonce', 'alg', 'keyid', 'tag'])
const INTEGER_PARAMETERS = new Set(['created', 'expires'])
const MAX_PARAMETER_STRING = 256

interface SignatureParams {
  created: number
  expires?: number
  keyId: string
  alg?: string
  nonce?: string
  tag?: string
}

function readParams(parameters: ReadonlyMap<string, BareItem>): SignatureParams | undefined {
  const values: Record<string, string | number> = {}
  for (const [name, value] of parameters) {
    if (!ALLOWED_PARAMETERS.has(name)) return undefined
    if (INTEGER_PARAMETERS.has(name)) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return undefined
    } else if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PARAMETER_STRING) {
      return undefined
    }
    values[name] = value
  }
  const { created, expires, keyid, alg, nonce, tag } = values
  if (typeof created !== 'number' || typeof keyid !== 'string') return undefined
  return {
    created,
    keyId: keyid,
    ...(typeof expires === 'number' ? { expires } : {}),
    ...(typeof alg === 'string' ? { alg } : {}),
    ...(typeof nonce === 'string' ? { nonce } : {}),
    ...(typeof tag === 'string' ? { tag } : {}),
  }
}

function headerLines(request: SignedRequest, name: string): string[] | undefined {
  const lines: string[] = []
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined || key.toLowerCase() !== name) continue
    lines.push(...(typeof value === 'string' ? [value] : value))
  }
  return lines.length === 0 ? undefined : lines
}

export async function verifyHttpSignature(
  options: VerifyHttpSignatureOptions,
): Promise<Result<VerifiedHttpSignature, HttpSignatureReason>> {
  const { request } = options
  const inputLines = headerLines(request, 'signature-input')
  const signatureLines = headerLines(request, 'signature')
  if (inputLines === undefined || signatureLines === undefined) return reject('missing_signature')
  const inputs = parseSignatureInput(inputLines)
  if (!inputs.ok) return inputs
  const signatures = parseSignatures(signatureLines)
  if (!signatures.ok) return signatures

  let label = options.label
  if (label === undefined) {
    if (inputs.value.size !== 1) return reject('ambiguous_label')
    label = [...inputs.value.keys()][0]!
  }
  const input = inputs.value.get(label)
  const signature = signatures.value.get(label)
  if (input === undefined || signature === undefined) return reject('label_not_found')

  const params = readParams(input.parameters)
  if (params === undefined) return reject('invalid_signature_params')
  if (params.expires !== undefined && params.expires <= params.created)
    return reject('invalid_signature_params')

  const covered = input.components.map((component) => component.name)
  const required = [...options.requiredComponents]
  if (request.body !== null && request.body.length > 0) required.push('content-digest')
  if (!required.every((name) => covered.includes(name))) return reject('missing_required_component')

  const base = buildSignatureBase(request, input.components, input.serialized)
  if (!base.ok) return base

  // Written as "refuse unless the good condition holds", so a NaN clock or bound fails closed.
  const nowSeconds = options.now / 1000
  if (!(params.created <= nowSeconds + options.clockSkewSeconds)) return reject('created_in_future')
  if (!(nowSeconds - params.created <= options.maxAgeSeconds)) return reject('signature_too_old')
  if (params.expires !== undefined && !(nowSeconds < params.expires)) return reject('signature_expired')

  if (covered.includes('content-digest') && request.body !== null) {
    const digest = verifyContentDigest(
      canonicalFieldValue(headerLines(request, 'content-digest') ?? []),
      request.body,
    )
    if (!digest.ok) return digest
  }

  const key = await options.resolveKey(params.keyId)
  if (key === undefined) return reject('unknown_key')
  if (params.alg !== undefined && params.alg !== key.alg) return reject('alg_mismatch')
  if (signature.length !== signatureLengthOf(key.alg)) return reject('invalid_signature_encoding')

  const baseBytes = new TextEncoder().encode(base.value)
  const verify = options.verifySignature ?? verifySignatureBytes
  if (!verify(key, baseBytes, signature)) return reject('bad_signature')

  return ok({
    label,
    keyId: params.keyId,
    alg: key.alg,
    created: params.created,
    ...(params.expires !== undefined ? { expires: params.expires } : {}),
    ...(params.nonce !== undefined ? { nonce: params.nonce } : {}),
    ...(params.tag !== undefined ? { tag: params.tag } : {}),
    coveredComponents: covered,
    signatureBase: base.value,
    signatureBaseHash: bytesToHex(sha256(baseBytes)),
  })
}
