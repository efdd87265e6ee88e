import { execFileSync } from 'node:child_process'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequestSigner } from '@sigil/client/signer'
import {
  SIGIL_REQUIRED_COMPONENTS,
  type SignedRequest,
  verifyHttpSignature,
} from '@sigil/protocol/http-signatures'
import { describe, expect, it } from 'vitest'
import { docBlock, PYTHON_SCRIPT, SHELL_SCRIPT } from './support/signed-request-docs.js'
import { tempDir } from './support/temp-dir.js'

/**
 * docs/signed-requests.md, "Signing a request": the worked example's values are what the SDK
 * signs, and the shell (openssl + curl) and Python scripts printed there, run as they are, produce
 * the same bytes and a signature the server's verifier accepts. (Against a real server: see
 * cli.signed-requests.test.ts, which runs both scripts against `sigil serve`.)
 */
const EXAMPLE = {
  keyPem: docBlock('text', '-----BEGIN PRIVATE KEY-----'),
  keyId: '8VpQd2LmT4sXa9Kc',
  url: 'https://api.venue.example/v1/orders?venue=evedex',
  body: '{"symbol":"BTC-USD","side":"buy","size":"1"}',
  created: 1_760_000_000,
  nonce: 'pC4sX0kq1V2lZ8m7tR3yWg',
}

/** The base and header lines the doc shows. */
const docBase = () => docBlock('text', '"@method": POST').trimEnd()
const docHeaderLines = () =>
  docBlock('http', 'POST /v1/orders?venue=evedex HTTP/1.1')
    .split('\n')
    .filter((line) => /^(Content-Type|Content-Digest|Signature-Input|Signature):/.test(line))

/** Verifies `Name: value` header lines as the server would for the example request. */
function verifyExample(headerLines: string[]) {
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
  )
  const request: SignedRequest = {
    method: 'POST',
    scheme: 'https',
    authority: 'api.venue.example',
    target: '/v1/orders?venue=evedex',
    headers,
    body: new TextEncoder().encode(EXAMPLE.body),
  }
  const x = createPublicKey(EXAMPLE.keyPem).export({ format: 'jwk' }).x!
  return verifyHttpSignature({
    request,
    resolveKey: (id) =>
      id === EXAMPLE.keyId ? { alg: 'ed25519', publicKey: Buffer.from(x, 'base64url') } : undefined,
    now: EXAMPLE.created * 1000,
    maxAgeSeconds: 30,
    clockSkewSeconds: 5,
    requiredComponents: SIGIL_REQUIRED_COMPONENTS,
  })
}

/** Runs a doc script with the example's fixed clock and nonce, DRY_RUN: base, blank line, headers. */
function dryRun(command: string, script: string) {
  const folder = tempDir('sigil-docs-')
  const scriptFile = join(folder, 'script')
  const keyFile = join(folder, 'key.pem')
  writeFileSync(scriptFile, script)
  writeFileSync(keyFile, EXAMPLE.keyPem, { mode: 0o600 })
  const output = execFileSync(
    command,
    [scriptFile, 'POST', EXAMPLE.url, EXAMPLE.keyId, keyFile, EXAMPLE.body],
    {
      env: {
        PATH: process.env.PATH,
        SIGIL_CREATED: String(EXAMPLE.created),
        SIGIL_NONCE: EXAMPLE.nonce,
        DRY_RUN: '1',
      },
      encoding: 'utf8',
    },
  )
  const [base, headers] = output.split('\n\n')
  return { base: base!, headerLines: headers!.trim().split('\n') }
}

describe('docs/signed-requests.md: signing a request', () => {
  it('the worked example is what the SDK signs, and the server verifies it', async () => {
    const privateKey = createPrivateKey(EXAMPLE.keyPem).export({ format: 'jwk' })
    const signer = createRequestSigner({ keyId: EXAMPLE.keyId, privateKey, nonce: () => EXAMPLE.nonce })
    const headers = { 'content-type': 'application/json' }
    const signed = await signer.signRequest({
      method: 'POST',
      url: EXAMPLE.url,
      headers,
      body: EXAMPLE.body,
      now: EXAMPLE.created * 1000,
    })
    expect(docHeaderLines()).toEqual([
      'Content-Type: application/json',
      `Content-Digest: ${signed['content-digest']}`,
      `Signature-Input: ${signed['signature-input']}`,
      `Signature: ${signed.signature}`,
    ])
    const verified = await verifyExample(docHeaderLines())
    expect(verified.ok && verified.value.signatureBase).toBe(docBase())
    expect(Buffer.byteLength(EXAMPLE.body)).toBe(44) // as the doc says
  })

  it('the curl + openssl script signs the example byte for byte (DRY_RUN)', async () => {
    const { base, headerLines } = dryRun('bash', SHELL_SCRIPT())
    expect(base).toBe(docBase())
    expect(headerLines).toEqual(docHeaderLines())
    expect((await verifyExample(headerLines)).ok).toBe(true)
  })

  it('the Python script (cryptography) signs the example byte for byte (DRY_RUN)', async () => {
    const { base, headerLines } = dryRun('python3', PYTHON_SCRIPT())
    expect(base).toBe(docBase())
    expect(headerLines).toEqual(docHeaderLines())
    expect((await verifyExample(headerLines)).ok).toBe(true)
  })
})
