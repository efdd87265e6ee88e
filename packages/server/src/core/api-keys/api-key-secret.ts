import { randomBase62 } from '../random-base62.js'
import { hashSecret } from '../secret-token.js'

/**
 * API key secrets: `sgl_sk_` + a 16-character public key id + 43 characters of secret (≈256
 * bits), all base62 so a double-click selects the whole key. The prefix makes leaked keys easy to
 * find in logs and repositories (secret scanners); the id finds the record without a hash index;
 * only SHA-256 of the secret part is stored.
 */
export const API_KEY_PREFIX = 'sgl_sk_'
/**
 * The brand a key is printed with: Sigil's own (`sgl`), or a venue's whose clients expect theirs
 * (a dialect passes it: `ocx_sk_`). The brand is only the prefix: the id and the secret decide, so
 * a key works wherever it is presented, and any brand of 2 to 8 lower-case letters or digits is
 * read as one (no list of venues in core). Nothing else a client sends looks like that: JWTs start
 * with `eyJ`, and session values (`id.secret`) hold a dot, which no key does.
 */
export type ApiKeyBrand = string
const BRAND = /^[a-z][a-z0-9]{1,7}$/
const KEY_SHAPE = /^[a-z][a-z0-9]{1,7}_sk_([0-9A-Za-z]{16})([0-9A-Za-z]{43})$/
const BRANDED = /^[a-z][a-z0-9]{1,7}_sk_[^.]*$/

export interface NewApiKeySecret {
  id: string
  secret: string
  secretHash: Uint8Array
  secretTail: string
}

export function createApiKeySecret(id = randomBase62(16), brand: ApiKeyBrand = 'sgl'): NewApiKeySecret {
  if (!BRAND.test(brand)) throw new RangeError('an API key brand is 2 to 8 lower-case letters or digits')
  const secretPart = randomBase62(43)
  return {
    id,
    secret: `${brand}_sk_${id}${secretPart}`,
    secretHash: hashSecret(secretPart),
    secretTail: secretPart.slice(-4),
  }
}

export function looksLikeApiKey(value: string): boolean {
  return BRANDED.test(value)
}

export function parseApiKeySecret(value: string): { id: string; secretPart: string } | undefined {
  const match = KEY_SHAPE.exec(value)
  return match ? { id: match[1]!, secretPart: match[2]! } : undefined
}

export function maskApiKey(id: string, secretTail: string): string {
  return `${API_KEY_PREFIX}${id}…${secretTail}`
}
