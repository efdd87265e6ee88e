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

  const previousOf =
    (now: number) =>
    (key: ApiKey): PreviousApiKeyCredential | undefined =>
      key.previousCredential && (key.previousExpiresAt ?? 0) > now ? key.previousCredential : undefined

  /** A key a request may be signed with, and its comparable name (what a connection re-checks). */
  type Candidate = { verificationKey: HttpSignatureKey; signer: string; previous: boolean }

  /**
   * The key's current verification key, then, in a rotation's grace, the previous one (a bot not
   * yet moved over); none for a bearer secret (a secret key's id as keyid is an unknown key).
   */
  const candidatesOf = (key: ApiKey, now: number): Candidate[] => {
    const candidate = (credential: ApiKeyCredential | PreviousApiKeyCredential, previous: boolean) => {
      const verificationKey = verificationKeyOf(key, credential)
      const signer = signerOf(credential)
      return verificationKey && signer ? [{ verificationKey, signer, previous }] : []
    }
    const current = candidate(key.credential, false)
    const previous = previousOf(now)(key)
    return current.length > 0 && previous ? [...current, ...candidate(previous, true)] : current
  }

  /**
   * One lookup, both keys: the signature is checked against every candidate of the resolved key's
   * algorithm (so the algorithm stays pinned by the key) and the one that verified is kept. Only a
   * rotation that changed the algorithm (say Ed25519 to P-256) needs a second pass, resolving the
   * previous key, since the algorithm check comes before the signature's.
   */
  const verify = async (request: SignedRequest, now: number) => {
    let found: Lookup | undefined
    let candidates: Candidate[] = []
    let verifiedBy: Candidate | undefined
    const pass = (resolved: (candidates: Candidate[]) => Candidate | undefined) =>
      verifyHttpSignature({
        request,
        now,
        maxAgeSeconds: settings.maxAgeSeconds,
        clockSkewSeconds: settings.clockSkewSeconds,
        requiredComponents: SIGIL_REQUIRED_COMPONENTS,
        verifySignature: (key, base, signature) => {
          verifiedBy = candidates.find(
            (c) => c.verificationKey.alg === key.alg && verifyNatively(c.verificationKey, base, signature),
          )
          return verifiedBy !== undefined
        },
        resolveKey: async (keyId): Promise<HttpSignatureKey | undefined> => {
          found ??= await deps.lookUp(keyId)
          candidates = found.key ? candidatesOf(found.key, now) : []
          return resolved(candidates)?.verificationKey
        },
      })
    let result = await pass((all) => all[0])
    const previous = candidates.find((c) => c.previous)
    if (
      !result.ok &&
      (result.reason === 'bad_signature' || result.reason === 'alg_mismatch') &&
      previous &&
      previous.verificationKey.alg !== candidates[0]!.verificationKey.alg
    )
      result = await pass((all) => all.find((c) => c.previous))
    return { result, found, verifiedBy }
  }

  return {
    async authenticate(
      request: SignedRequest,
      ip: string,
      options: SignedRequestOptions,
    ): Promise<SignedRequestCheck> {
      const now = clock.now()
      const { result, found, verifiedBy } = await verify(request, now)
      if (!result.ok) throw refuse(result.reason)
      const verified = result.value
      if (options.bodyPending && !verified.coveredComponents.includes('content-digest'))
        throw refuse('missing_required_component')
      const { key, allowlist } = found!
      if (!key || !verifiedBy) throw refuse('unknown_key')
      const { signer, previous: byPrevious } = verifiedBy
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
