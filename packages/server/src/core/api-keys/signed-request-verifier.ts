import {
  type HttpSignatureKey,
  type HttpSignatureReason,
  SIGIL_REQUIRED_COMPONENTS,
  type SignedRequest,
  verifyHttpSignature,
} from '@sigil/protocol/http-signatures'
import type { Clock } from '../clock.js'
import { AuthError, type AuthErrorCode } from '../errors.js'
import type { Identity } from '../identity.js'
import type { IpAllowlist } from '../network/ip-allowlist.js'
import type { ApiKey, ApiKeyCredential, PreviousApiKeyCredential, SignatureUseStore } from '../ports.js'
import { apiKeyScopes } from '../scopes.js'
import { openHmacSecret } from './hmac-secret.js'
import { hmacKeyOf, nativeKeyOf, verifyNatively } from './native-signature-check.js'

/** Settings of signed requests (config `signatureMaxAgeSeconds`, `issuedAtSkewSeconds`). */
export interface SignedRequestSettings {
  /** `created` may be at most this old (default 30 s); also how long a signature is remembered. */
  maxAgeSeconds: number
  /** How far ahead of the server's clock `created` may be. */
  clockSkewSeconds: number
  /**
   * The replay cache: one claim per accepted signature base, kept for its window. This process's
   * memory on one process; Redis (`SET ... PX`, one Lua script) when replicas share it.
   */
  replays: SignatureUseStore
  /** hmacSignedRequests: the master key the `hmac-sha256` secrets are sealed under; absent: off. */
  masterKey?: Uint8Array
}

export interface SignedRequestOptions {
  /**
   * The request has a body that this layer does not see (the transport checks it against the
   * signed `Content-Digest` as it is read): then `content-digest` must be covered all the same.
   */
  bodyPending: boolean
}

/** A verified signed request: who, until when, and which key signed (for a connection's re-check). */
export interface SignedRequestCheck {
  identity: Identity & { apiKeyId: string }
  /** When the signing key stops working by itself: its expiry, or a rotated-out key's grace end. */
  validUntil?: number
  /**
   * Which credential of the key signed (the current one or, in a rotation's grace, the previous
   * one), as a comparable string: a connection's re-check asks whether it is still the key's.
   */
  signer: string
}

/** HttpSignatureReason -> public code: 400 for what is malformed, 401 for what fails to prove. */
export function signatureErrorCode(reason: HttpSignatureReason): AuthErrorCode {
  switch (reason) {
    case 'missing_required_component':
      return 'HTTP_SIGNATURE_COMPONENTS_MISSING'
    case 'created_in_future':
    case 'signature_too_old':
    case 'signature_expired':
      return 'HTTP_SIGNATURE_EXPIRED'
    case 'content_digest_mismatch':
      return 'CONTENT_DIGEST_MISMATCH'
    // The same answer as an unknown bearer key: the id alone proves nothing.
    case 'unknown_key':
      return 'API_KEY_INVALID'
    case 'alg_mismatch':
    case 'bad_signature':
      return 'HTTP_SIGNATURE_INVALID'
    default:
      return 'HTTP_SIGNATURE_MALFORMED'
  }
}

const refuse = (reason: HttpSignatureReason) =>
  new AuthError(signatureErrorCode(reason), `signed request: ${reason}`, { detail: reason })

/** A credential's comparable name (no secret: a public key's coordinates, a sealed secret's bytes). */
function signerOf(credential: ApiKeyCredential | PreviousApiKeyCredential): string | undefined {
  switch (credential.kind) {
    case 'public-key': {
      const jwk = credential.publicKey
      return `${jwk.kty}:${jwk.x}:${jwk.kty === 'EC' ? jwk.y : ''}`
    }
    case 'hmac':
      return `hmac:${Buffer.from(credential.sealedSecret).toString('base64url')}`
    default:
      return undefined
  }
}

type Lookup = { key: ApiKey | undefined; allowlist: IpAllowlist }

/**
 * Checks an RFC 9421 signed request made with a public-key API key (docs/signed-requests.md):
 * the signature by the key's registered public key (or, in a rotation's grace, the previous one),
 * the algorithm pinned by the key, `created` within `maxAgeSeconds`, the covered components; then,
 * exactly as for a bearer key, revocation, expiry and the IP allowlist; then the replay cache.
 */
export function createSignedRequestVerifier(deps: {
  lookUp(id: string): Promise<Lookup>
  noteUse(id: string, now: number, ip: string): void
  clock: Clock
  settings: SignedRequestSettings
}) {
  const { clock, settings } = deps

  /** The verification key of a stored credential; undefined for a bearer secret (no key to verify with). */
  const verificationKeyOf = (key: ApiKey, credential: ApiKeyCredential | PreviousApiKeyCredential) => {
    if (credential.kind === 'public-key') return nativeKeyOf(credential.publicKey)
    if (credential.kind !== 'hmac' || !settings.masterKey) return undefined
    return hmacKeyOf(credential.sealedSecret, (sealed) => openHmacSecret(key.id, sealed, settings.masterKey!))
  }

  type Pick = (key: ApiKey) => ApiKeyCredential | PreviousApiKeyCredential | undefined
  const verifyWith = async (request: SignedRequest, now: number, pick: Pick) => {
    let found: Lookup | undefined
    const result = await verifyHttpSignature({
      request,
      now,
      maxAgeSeconds: settings.maxAgeSeconds,
      clockSkewSeconds: settings.clockSkewSeconds,
      requiredComponents: SIGIL_REQUIRED_COMPONENTS,
      verifySignature: verifyNatively,
      resolveKey: async (keyId): Promise<HttpSignatureKey | undefined> => {
        found = await deps.lookUp(keyId)
        // A secret key's id as keyid is an unknown key here: it has no verification key.
        const credential = found.key ? pick(found.key) : undefined
        return credential && verificationKeyOf(found.key!, credential)
      },
    })
    return { result, found }
  }

  const currentOf: Pick = (key) => key.credential
  const previousOf =
    (now: number): Pick =>
    (key) =>
      key.previousCredential && (key.previousExpiresAt ?? 0) > now ? key.previousCredential : undefined

  return {
    async authenticate(
      request: SignedRequest,
      ip: string,
      options: SignedRequestOptions,
    ): Promise<SignedRequestCheck> {
      const now = clock.now()
      let { result, found } = await verifyWith(request, now, currentOf)
      let signer = found?.key && signerOf(found.key.credential)
      let byPrevious = false
      // In a rotation's grace period the previous public key verifies too (a bot not yet moved over).
      if (!result.ok && (result.reason === 'bad_signature' || result.reason === 'alg_mismatch')) {
        const previous = found?.key && previousOf(now)(found.key)
        if (previous) {
          ;({ result, found } = await verifyWith(request, now, previousOf(now)))
          signer = signerOf(previous)
          byPrevious = true
        }
      }
      if (!result.ok) throw refuse(result.reason)
      const verified = result.value
      if (options.bodyPending && !verified.coveredComponents.includes('content-digest'))
        throw refuse('missing_required_component')
      const { key, allowlist } = found!
      if (!key || !signer) throw refuse('unknown_key')
      if (key.revokedAt !== undefined) throw new AuthError('API_KEY_REVOKED')
      if (key.expiresAt !== undefined && key.expiresAt <= now) throw new AuthError('API_KEY_EXPIRED')
      if (!allowlist.allows(ip)) throw new AuthError('IP_NOT_ALLOWED', `key ${key.id}`)
      // Last, once everything else holds: the signature's one use. Kept until its window closes
      // (`created` + maxAge, inclusive), so a replay within the window finds it.
      const windowEnd = (verified.created + settings.maxAgeSeconds) * 1000 + 1
      if (!(await settings.replays.claim(`rfc9421:${verified.signatureBaseHash}`, windowEnd, now)))
        throw new AuthError('HTTP_SIGNATURE_REPLAYED', `key ${key.id}`)
      deps.noteUse(key.id, now, ip)
      const validUntil = Math.min(key.expiresAt ?? Infinity, byPrevious ? key.previousExpiresAt! : Infinity)
      return {
        identity: {
          accountId: key.accountId,
          scopes: apiKeyScopes(key.scope),
          via: 'api_key',
          apiKeyId: key.id,
          signedRequest: true,
        },
        signer,
        ...(validUntil === Infinity ? {} : { validUntil }),
      }
    },

    /**
     * A connection opened by a signed upgrade, checked again (a rotation, a gap in the bus): the
     * key is still in force for `ip`, and `signer` is still its key (or the previous one, in grace).
     * When it stops working by itself, or the refusal.
     */
    async recheck(keyId: string, signer: string, ip: string): Promise<{ expiresAt?: number }> {
      const now = clock.now()
      const { key, allowlist } = await deps.lookUp(keyId)
      if (!key) throw new AuthError('API_KEY_INVALID')
      const previous = previousOf(now)(key)
      const current = signerOf(key.credential) === signer
      if (!current && !(previous && signerOf(previous) === signer))
        throw new AuthError('API_KEY_INVALID', 'signing key rotated out')
      if (key.revokedAt !== undefined) throw new AuthError('API_KEY_REVOKED')
      if (key.expiresAt !== undefined && key.expiresAt <= now) throw new AuthError('API_KEY_EXPIRED')
      if (!allowlist.allows(ip)) throw new AuthError('IP_NOT_ALLOWED', `key ${key.id}`)
      const expiresAt = Math.min(key.expiresAt ?? Infinity, current ? Infinity : key.previousExpiresAt!)
      return expiresAt === Infinity ? {} : { expiresAt }
    },
  }
}
