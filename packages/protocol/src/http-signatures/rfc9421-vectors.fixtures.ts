/**
 * RFC 9421 Appendix B, copied from the RFC text: the test keys (B.1.3, B.1.4, B.1.5), the
 * test-request of B.2 and the signatures of B.2.4 (P-256, over a response), B.2.5 (HMAC) and
 * B.2.6 (Ed25519). Test-only data: the private keys are public.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { SignedRequest } from './signed-request.js'

/** B.1.3 test-key-ecc-p256 (private, SEC 1 PEM). */
export const TEST_KEY_ECC_P256_PRIVATE_PEM = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIFKbhfNZfpDsW43+0+JjUr9K+bTeuxopu653+hBaXGA7oAoGCCqGSM49
AwEHoUQDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lfw0EkjqF7xB4FivAxzic30tMM
4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END EC PRIVATE KEY-----`

/** B.1.3 test-key-ecc-p256 (public, SPKI PEM). */
export const TEST_KEY_ECC_P256_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`

/** B.1.4 test-key-ed25519 (private, PKCS #8 PEM). */
export const TEST_KEY_ED25519_PRIVATE_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`

/** B.1.4 test-key-ed25519 (public, SPKI PEM). */
export const TEST_KEY_ED25519_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`

/** B.1.5 test-shared-secret (base64 of the 64-byte secret). */
export const TEST_SHARED_SECRET_BASE64 =
  'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=='

/** The raw public key bytes of a PEM key (32 bytes for Ed25519, 65-byte SEC 1 point for P-256). */
export function rawPublicKey(pem: string): Uint8Array {
  const jwk = createPublicKey(pem).export({ format: 'jwk' })
  const x = Buffer.from(jwk.x ?? '', 'base64url')
  if (jwk.kty === 'OKP') return new Uint8Array(x)
  return new Uint8Array(Buffer.concat([Buffer.from([4]), x, Buffer.from(jwk.y ?? '', 'base64url')]))
}

export const privateKey = (pem: string) => createPrivateKey(pem)

/** B.2 test-request: `POST /foo?param=Value&Pet=dog HTTP/1.1` to example.com. */
export const TEST_REQUEST_BODY = new TextEncoder().encode('{"hello": "world"}')
export const testRequest = (headers: Record<string, string> = {}): SignedRequest => ({
  method: 'POST',
  scheme: 'https',
  authority: 'example.com',
  target: '/foo?param=Value&Pet=dog',
  headers: {
    Host: 'example.com',
    Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'Content-Type': 'application/json',
    'Content-Digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'Content-Length': '18',
    ...headers,
  },
  body: TEST_REQUEST_BODY,
})

/** The `created` of every B.2 signature, epoch seconds. */
export const B2_CREATED = 1618884473

/** B.2.4: a response signature with test-key-ecc-p256 (its base, since `@status` is response-only). */
export const B24_SIGNATURE_BASE = [
  '"@status": 200',
  '"content-type": application/json',
  '"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
  '"content-length": 23',
  '"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
].join('\n')
export const B24_SIGNATURE =
  'wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw=='

/** B.2.5: hmac-sha256 with test-shared-secret. */
export const B25_SIGNATURE_INPUT =
  'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'
export const B25_SIGNATURE = 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:'
export const B25_SIGNATURE_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@authority": example.com',
  '"content-type": application/json',
  '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
].join('\n')

/** B.2.6: ed25519 with test-key-ed25519. */
export const B26_SIGNATURE_INPUT =
  'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"'
export const B26_SIGNATURE =
  'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:'
export const B26_SIGNATURE_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join('\n')
