import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * `length` characters drawn uniformly from [0-9A-Za-z] (5.95 bits each). Hand-written because the
 * usual encoders map bytes onto 62 symbols with a modulo, which biases the first symbols; this
 * rejects bytes >= 248 (4 × 62) instead, so every character is uniform.
 */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62]
    }
  }
  return out
}
