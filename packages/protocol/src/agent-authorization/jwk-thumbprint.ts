/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an agent's public key: what the wallet signs in
 * `agentKey`. Only the required members enter it, in lexicographic order, with no whitespace
 * (RFC 7638 §3.2): OKP `{"crv","kty","x"}`, EC `{"crv","kty","x","y"}`. The key itself is
 * validated where it is registered (on the curve, public members only); this only hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { base64url } from 'jose'

export type ThumbprintJwk =
  | { kty: 'OKP'; crv: string; x: string }
  | { kty: 'EC'; crv: string; x: string; y: string }

export function jwkThumbprint(jwk: ThumbprintJwk): string {
  // JSON.stringify of plain ASCII strings is the RFC's canonical form; the member order is fixed here.
  const canonical =
    jwk.kty === 'OKP'
      ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })
      : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  return base64url.encode(sha256(new TextEncoder().encode(canonical)))
}
