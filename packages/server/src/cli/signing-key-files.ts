/**
 * Request-signing key files for `sigil api-keys create --public-key FILE | --generate` and
 * `sigil request`. Private keys are written as PKCS #8 PEM, the form openssl, Python's
 * `cryptography` and node:crypto all read (docs/signed-requests.md signs with them), mode 0600 in a
 * 0700 folder, never over an existing file, and never printed.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { PublicSigningJwk } from '@sigil/client/signer'
import { EXIT, Failure } from './exit-codes.js'

/** Where `--generate` keeps private keys by default: beside the credentials file. */
export const keysFolder = (credentialsFile: string) => join(dirname(credentialsFile), 'keys')

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new Failure(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code}`, EXIT.usage)
  }
}

/** Only the members Sigil takes: an OKP Ed25519 or EC P-256 public key. */
function signingJwkOf(jwk: JsonWebKey, path: string): PublicSigningJwk {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string')
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string')
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }
  throw new Failure(`${path}: only Ed25519 and P-256 (ECDSA) keys sign Sigil requests`, EXIT.usage)
}

/**
 * The public key in a JWK (JSON) or PEM (SPKI) file, as a JWK. A file with a private key is
 * refused: `--public-key` is for the half that may be shown to anyone, and mixing them up is how
 * private keys end up in tickets and shell histories.
 */
export function readPublicKeyFile(path: string): PublicSigningJwk {
  const text = read(path, 'the public key file').trim()
  let jwk: JsonWebKey
  if (text.startsWith('{')) {
    try {
      jwk = JSON.parse(text) as JsonWebKey
    } catch {
      throw new Failure(`${path} is neither a JWK nor a PEM public key`, EXIT.usage)
    }
    if (jwk.d !== undefined) throw new Failure(`${path} holds a private key: give the public one`, EXIT.usage)
    try {
      createPublicKey({ key: jwk, format: 'jwk' }) // a point on the curve
    } catch {
      throw new Failure(`${path}: not a valid public key`, EXIT.usage)
    }
  } else {
    if (text.includes('PRIVATE KEY'))
      throw new Failure(`${path} holds a private key: give the public one`, EXIT.usage)
    try {
      jwk = createPublicKey(text).export({ format: 'jwk' })
    } catch {
      throw new Failure(`${path} is neither a JWK nor a PEM public key`, EXIT.usage)
    }
  }
  return signingJwkOf(jwk, path)
}

/** A private key file (PEM, or a private JWK) as the private JWK the SDK signs with. */
export function readPrivateKeyFile(path: string): JsonWebKey {
  const text = read(path, 'the key file').trim()
  try {
    const key = text.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
      : createPrivateKey(text)
    return key.export({ format: 'jwk' })
  } catch {
    // The file's content is never repeated: it is a private key.
    throw new Failure(`${path} is not a private key (PKCS #8 PEM or a private JWK)`, EXIT.usage)
  }
}

/** A new Ed25519 key pair: the private half written to `path` (0600, not over a file), the public returned. */
export function writeNewKeyFile(path: string): PublicSigningJwk {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  try {
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Failure(
      code === 'EEXIST' ? `${path} exists: it is not overwritten` : `cannot write ${path}: ${code}`,
      EXIT.usage,
    )
  }
  chmodSync(path, 0o600) // whatever the umask
  return signingJwkOf(publicKey.export({ format: 'jwk' }), path)
}

/** Renames a key file written under a provisional name; false if the target exists. */
export function moveKeyFile(from: string, to: string): boolean {
  try {
    writeFileSync(to, '', { mode: 0o600, flag: 'wx' }) // claims the name: rename would replace a file
  } catch {
    return false
  }
  renameSync(from, to)
  return true
}

export const removeKeyFile = (path: string) => rmSync(path, { force: true })
