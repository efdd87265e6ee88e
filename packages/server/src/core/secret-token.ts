import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Bearer secrets of the form `id.secret` (lucia's shape): the id finds the record, the secret is
 * checked against its stored SHA-256 in constant time. Secrets carry 256 bits, so a plain SHA-256
 * (no salt, no slow KDF) is the right hash: there is nothing to brute-force.
 */
export interface SecretToken {
  id: string
  value: string
  secretHash: Uint8Array
}

const ID_BYTES = 12
const SECRET_BYTES = 32
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/

export function randomId(bytes = ID_BYTES): string {
  return randomBytes(bytes).toString('base64url')
}

/** SHA-256 in one native call (`crypto.hash`): every API-key request hashes its secret. */
export function hashSecret(secret: string): Uint8Array {
  return hash('sha256', secret, 'buffer')
}

export function createSecretToken(): SecretToken {
  const id = randomId()
  const secret = randomBytes(SECRET_BYTES).toString('base64url')
  return { id, value: `${id}.${secret}`, secretHash: hashSecret(secret) }
}

/** Splits a presented token; undefined for anything not exactly our shape (no lookup happens). */
export function parseSecretToken(value: string): { id: string; secret: string } | undefined {
  const match = TOKEN_SHAPE.exec(value)
  return match ? { id: match[1]!, secret: match[2]! } : undefined
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const presented = hashSecret(secret)
  return presented.length === storedHash.length && timingSafeEqual(presented, storedHash)
}
