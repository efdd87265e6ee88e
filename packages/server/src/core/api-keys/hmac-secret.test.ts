import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { newHmacSecret, openHmacSecret } from './hmac-secret.js'

describe('sealed hmac-sha256 secrets', () => {
  const masterKey = new Uint8Array(randomBytes(32))

  it('behavior: the secret shown once opens from its sealed form with the master key and the key id', () => {
    const { secret, sealed } = newHmacSecret('key-a', masterKey)
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    expect(Buffer.from(openHmacSecret('key-a', sealed, masterKey)!).toString('base64url')).toBe(secret)
    // The sealed bytes do not contain the secret.
    expect(Buffer.from(sealed).includes(Buffer.from(secret, 'base64url'))).toBe(false)
  })

  it('attack: another master key, another key id (a sealed secret copied to another row) or a flipped bit do not open', () => {
    const { sealed } = newHmacSecret('key-a', masterKey)
    expect(openHmacSecret('key-a', sealed, new Uint8Array(randomBytes(32)))).toBeUndefined()
    expect(openHmacSecret('key-b', sealed, masterKey)).toBeUndefined()
    const flipped = Uint8Array.from(sealed)
    flipped[20] = flipped[20]! ^ 1
    expect(openHmacSecret('key-a', flipped, masterKey)).toBeUndefined()
    expect(openHmacSecret('key-a', new Uint8Array(10), masterKey)).toBeUndefined()
  })
})
