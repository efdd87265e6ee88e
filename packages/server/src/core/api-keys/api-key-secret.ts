import { crc32 } from 'node:zlib'
import { randomBase62 } from '../random-base62.js'
import { hashSecret } from '../secret-token.js'

/**
 * API key secrets: `sgl_sk_` + a 16-character public key id + 43 characters of secret (≈256
 * bits) + a 6-character checksum, all base62 so a double-click selects the whole key. The prefix
 * and the checksum make leaked keys findable without false positives (GitHub's token format):
 * a secret scanner matches `sgl_sk_[0-9A-Za-z]{65}` and keeps only matches whose last six
 * characters are the CRC32 of the rest, so a random string passes one time in 2^32; the server
 * refuses a key whose checksum fails before any store read (a typo or a guess costs nothing).
 * The id finds the record without a hash index; only SHA-256 of the secret part is stored.
 *
 * Keys minted before the checksum (`sgl_sk_` + 59) are still read: they are in bots' configs and
 * cannot be re-issued without their owners; rotating one gives it the checksummed form. A venue's
 * brand keeps the venue's shape (OCX prints `ocx_sk_` + 59, without checksum).
 */
export const API_KEY_PREFIX = 'sgl_sk_'
const OWN_BRAND = 'sgl'
/**
 * The brand a key is printed with: Sigil's own (`sgl`), or a venue's whose clients expect theirs
 * (a dialect passes it: `ocx_sk_`). The brand is only the prefix: the id and the secret decide, so
 * a key works wherever it is presented, and any brand of 2 to 8 lower-case letters or digits is
 * read as one (no list of venues in core). Nothing else a client sends looks like that: JWTs start
 * with `eyJ`, and session values (`id.secret`) hold a dot, which no key does.
 */
export type ApiKeyBrand = string
const BRAND = /^[a-z][a-z0-9]{1,7}$/
const KEY_SHAPE = /^[a-z][a-z0-9]{1,7}_sk_([0-9A-Za-z]{16})([0-9A-Za-z]{43})([0-9A-Za-z]{6})?$/
const BRANDED = /^[a-z][a-z0-9]{1,7}_sk_[^.]*$/

/** What secret scanners match (docs/api.md, Leaked keys); the checksum then tells a key from noise. */
export const API_KEY_SCANNER_PATTERN = /\bsgl_sk_[0-9A-Za-z]{65}\b/g

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const CHECKSUM_LENGTH = 6

/**
 * CRC32 (zlib's, ISO-HDLC) of the key's text before it, as six base62 digits, most significant
 * first, zero-padded (62^6 > 2^32). A checksum, not a MAC: it tells typos and random strings from
 * keys, and anyone may compute it; the secret part is what authenticates.
 */
export function apiKeyChecksum(body: string): string {
  let n = crc32(body)
  let out = ''
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62]! + out
    n = Math.floor(n / 62)
  }
  return out
}

export interface NewApiKeySecret {
  id: string
  secret: string
  secretHash: Uint8Array
  secretTail: string
}

export function createApiKeySecret(id = randomBase62(16), brand: ApiKeyBrand = OWN_BRAND): NewApiKeySecret {
  if (!BRAND.test(brand)) throw new RangeError('an API key brand is 2 to 8 lower-case letters or digits')
  const secretPart = randomBase62(43)
  const body = `${brand}_sk_${id}${secretPart}`
  return {
    id,
    secret: brand === OWN_BRAND ? `${body}${apiKeyChecksum(body)}` : body,
    secretHash: hashSecret(secretPart),
    secretTail: secretPart.slice(-4),
  }
}

export function looksLikeApiKey(value: string): boolean {
  return BRANDED.test(value)
}

/**
 * The id and secret of a presented key; undefined for anything not of a key's shape, or whose
 * checksum (when it carries one) does not match: no store read is worth making for those.
 */
export function parseApiKeySecret(value: string): { id: string; secretPart: string } | undefined {
  const match = KEY_SHAPE.exec(value)
  if (!match) return undefined
  const checksum = match[3]
  if (checksum !== undefined && apiKeyChecksum(value.slice(0, -CHECKSUM_LENGTH)) !== checksum)
    return undefined
  return { id: match[1]!, secretPart: match[2]! }
}

export function maskApiKey(id: string, secretTail: string): string {
  return `${API_KEY_PREFIX}${id}…${secretTail}`
}
