import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * Private signing keys at rest: AES-256-GCM under the operator's master key when one is
 * configured, so a copy of the database alone cannot mint tokens. Without a master key the JWK is
 * stored as is (the embedded single-machine default) and the server says so at start.
 */
const ENVELOPE_PREFIX = 'sigil-aes256gcm:v1:'

export function isSealed(stored: string): boolean {
  return stored.startsWith(ENVELOPE_PREFIX)
}

/** Seals a private JWK; the kid is authenticated data, so an envelope cannot be moved to another key row. */
export function sealPrivateKey(plaintext: string, masterKey: Uint8Array | undefined, kid: string): string {
  if (!masterKey) return plaintext
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: 16 })
  cipher.setAAD(Buffer.from(kid, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return `${ENVELOPE_PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

export function openPrivateKey(stored: string, masterKey: Uint8Array | undefined, kid: string): string {
  if (!isSealed(stored)) return stored
  if (!masterKey)
    throw new Error('signing keys are encrypted: set SIGIL_MASTER_KEY to the key that sealed them')
  const raw = Buffer.from(stored.slice(ENVELOPE_PREFIX.length), 'base64url')
  const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12), { authTagLength: 16 })
  decipher.setAAD(Buffer.from(kid, 'utf8'))
  decipher.setAuthTag(raw.subarray(12, 28))
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    throw new Error('signing key envelope does not open with the configured master key')
  }
}
