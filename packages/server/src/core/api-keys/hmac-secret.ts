import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * The shared secrets of `hmac-sha256` signed-request keys (hmacSignedRequests). Unlike a bearer
 * secret, Sigil must read the secret back to verify a MAC, so it cannot keep a hash: it keeps the
 * secret sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the master key, the key id
 * as associated data (a sealed secret copied onto another key's row does not open). A reader of
 * the database alone learns nothing; one with the master key too learns the secrets, which is why
 * the variant is off by default and public keys are the recommended kind.
 */
const INFO = Buffer.from('sigil api-key hmac secret v1')
const IV_BYTES = 12
const TAG_BYTES = 16
/** 256-bit secrets, as RFC 9421 §3.3.3 asks for HMAC-SHA256. */
export const HMAC_SECRET_BYTES = 32

const sealingKey = (masterKey: Uint8Array) =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), INFO, 32))

/** A new random secret, returned once to the client (base64url) and sealed for the store. */
export function newHmacSecret(keyId: string, masterKey: Uint8Array): { secret: string; sealed: Uint8Array } {
  const bytes = randomBytes(HMAC_SECRET_BYTES)
  return { secret: bytes.toString('base64url'), sealed: sealHmacSecret(keyId, bytes, masterKey) }
}

export function sealHmacSecret(keyId: string, secret: Uint8Array, masterKey: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', sealingKey(masterKey), iv)
  cipher.setAAD(Buffer.from(keyId))
  const body = Buffer.concat([cipher.update(secret), cipher.final()])
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]))
}

/** The secret, or undefined when `sealed` does not open (another master key, another key id). */
export function openHmacSecret(
  keyId: string,
  sealed: Uint8Array,
  masterKey: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined
  const bytes = Buffer.from(sealed)
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(masterKey), bytes.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(keyId))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]))
  } catch {
    return undefined
  }
}
