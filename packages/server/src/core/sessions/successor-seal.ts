import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * The refresh reuse interval's one secret-bearing step. Refresh tokens are stored as SHA-256
 * hashes only, so the successor handed out by a rotation cannot be read back for a replay of the
 * same token. Instead the rotation seals the successor's token under a key derived (HKDF-SHA256)
 * from the presented token's secret, and stores that on the used token's row until the interval
 * ends: whoever presents the old token again can unseal the successor, and nobody else can. A
 * reader of the database holds only SHA-256(secret), from which the key cannot be derived; the
 * secret has 256 bits, so HKDF (no slow KDF) is the right derivation.
 */
const INFO = Buffer.from('sigil refresh-token successor v1')
const IV_BYTES = 12
const TAG_BYTES = 16

/** Key for the token `id.secret`: the id salts it, so one secret never keys two rows alike. */
const keyFor = (tokenId: string, secret: string) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret), Buffer.from(tokenId), INFO, 32))

/** `successor` (a token value) sealed for the holder of `id.secret`: iv ‖ ciphertext ‖ tag. */
export function sealSuccessor(old: { id: string; secret: string }, successor: string): Uint8Array {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', keyFor(old.id, old.secret), iv)
  // The row's id as associated data: a sealed value copied onto another row does not open.
  cipher.setAAD(Buffer.from(old.id))
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()])
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]))
}

/** The successor's token value, or undefined when `sealed` does not open with this token. */
export function openSuccessor(old: { id: string; secret: string }, sealed: Uint8Array): string | undefined {
  if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined
  const bytes = Buffer.from(sealed)
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(old.id, old.secret), bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(old.id))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    return undefined
  }
}
