import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSigilClient } from '@sigil/client'
import { createRequestSigner } from '@sigil/client/signer'
import { describe, expect, it } from 'vitest'
import { useSigilCliSuite } from './support/sigil-cli-suite.js'

/**
 * `sigil api-keys create | rotate --generate | --public-key FILE` of the real binary against a real
 * `sigil serve`: the private key stays in a 0600 file and is never printed, only the public key
 * travels. Requests signed with such a key: cli.signed-requests.test.ts.
 */
describe('sigil api-keys with a public key', { timeout: 60_000 }, () => {
  const { url, sigil, newHome, signedInHome, generated } = useSigilCliSuite('sigil-cli-signing-')
  const listed = (home: string) =>
    JSON.parse(sigil(home, ['api-keys', 'list', '--json']).stdout) as Record<string, unknown>[]

  it('default: --generate registers an Ed25519 public key and keeps the private key in keys/<id>.pem, 0600, never printed', () => {
    const { home, created } = generated('trade')
    expect([created.status, created.stderr]).toEqual([0, ''])
    const key = JSON.parse(created.stdout)
    const keyFile = join(home, 'sigil', 'keys', `${key.id}.pem`)
    expect(key).toMatchObject({
      credential: 'public-key',
      alg: 'ed25519',
      scope: 'trade',
      privateKeyFile: keyFile,
    })
    expect(key).not.toHaveProperty('secret')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, 'sigil', 'keys')).mode & 0o777).toBe(0o700)
    // The file holds the private half of exactly the key Sigil registered.
    const pem = readFileSync(keyFile, 'utf8')
    const publicJwk = createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' })
    expect(listed(home)).toEqual([expect.objectContaining({ id: key.id, publicKey: publicJwk })])
    const d = createPrivateKey(pem).export({ format: 'jwk' }).d!
    const pemBody = pem.split('\n')[1]!
    expect(readdirSync(join(home, 'sigil', 'keys'))).toEqual([`${key.id}.pem`]) // no provisional file left

    const row = sigil(home, ['api-keys', 'list']).stdout.split('\n')[1]!
    expect(row).toContain(`ed25519 ${key.thumbprint.slice(0, 12)}…`)
    const human = sigil(home, ['api-keys', 'create', '--name', 'bot2', '--generate'])
    expect(human.status).toBe(0)
    const id = /key (\w+) \(ed25519, thumbprint /.exec(human.stdout)?.[1]
    expect(human.stdout).toContain(`Private key: ${join(home, 'sigil', 'keys', `${id}.pem`)} (mode 0600)`)
    const secondPem = readFileSync(join(home, 'sigil', 'keys', `${id}.pem`), 'utf8')
    for (const text of [created.stdout, human.stdout, human.stderr]) {
      expect(text).not.toContain(d)
      expect(text).not.toContain(pemBody)
      expect(text).not.toContain(secondPem.split('\n')[1]!)
    }
  })

  it('behavior: --public-key takes a PEM (Ed25519) or a JWK (P-256) file and registers exactly that key', () => {
    const home = signedInHome()
    const ed = generateKeyPairSync('ed25519')
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const pemFile = join(home, 'ed.pub.pem')
    const jwkFile = join(home, 'p256.pub.jwk')
    writeFileSync(pemFile, ed.publicKey.export({ format: 'pem', type: 'spki' }))
    writeFileSync(jwkFile, JSON.stringify(p256.publicKey.export({ format: 'jwk' })))
    const fromPem = sigil(home, ['api-keys', 'create', '--name', 'pem', '--public-key', pemFile, '--json'])
    const fromJwk = sigil(home, ['api-keys', 'create', '--name', 'jwk', '--public-key', jwkFile, '--json'])
    expect([fromPem.status, fromJwk.status]).toEqual([0, 0])
    expect(JSON.parse(fromPem.stdout)).toMatchObject({
      alg: 'ed25519',
      publicKey: ed.publicKey.export({ format: 'jwk' }),
    })
    expect(JSON.parse(fromJwk.stdout)).toMatchObject({
      alg: 'ecdsa-p256-sha256',
      publicKey: p256.publicKey.export({ format: 'jwk' }),
    })
    expect(JSON.parse(fromPem.stdout)).not.toHaveProperty('privateKeyFile')
  })

  it('attack: a private key given as --public-key is refused without being sent or repeated', () => {
    const home = signedInHome()
    const pair = generateKeyPairSync('ed25519')
    const pem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
    const jwk = pair.privateKey.export({ format: 'jwk' })
    for (const [file, content] of [
      ['private.pem', pem],
      ['private.jwk', JSON.stringify(jwk)],
    ] as const) {
      writeFileSync(join(home, file), content)
      const refused = sigil(home, ['api-keys', 'create', '--name', 'x', '--public-key', join(home, file)])
      expect(refused.status).toBe(2)
      expect(refused.stderr).toContain('holds a private key')
      expect(refused.stderr + refused.stdout).not.toContain(jwk.d!)
      expect(refused.stderr + refused.stdout).not.toContain(pem.split('\n')[1]!)
    }
    expect(listed(home)).toEqual([])
  })

  it('attack: usage errors register nothing and overwrite nothing', () => {
    const home = signedInHome()
    const existing = join(home, 'existing.pem')
    writeFileSync(existing, 'keep me')
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    writeFileSync(join(home, 'rsa.pem'), rsa.publicKey.export({ format: 'pem', type: 'spki' }))
    writeFileSync(join(home, 'junk.pem'), 'not a key')
    const cases = [
      ['--generate', '--key-file', existing],
      ['--generate', '--public-key', join(home, 'rsa.pem')],
      ['--key-file', join(home, 'k.pem')],
      ['--public-key', join(home, 'rsa.pem')],
      ['--public-key', join(home, 'junk.pem')],
      ['--public-key', join(home, 'missing.pem')],
    ]
    for (const flags of cases) {
      const result = sigil(home, ['api-keys', 'create', '--name', 'x', ...flags])
      expect([flags, result.status]).toEqual([flags, 2])
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep me')
    expect(existsSync(join(home, 'k.pem'))).toBe(false)
    expect(listed(home)).toEqual([])
  })

  it('behavior: a registration the server refuses leaves no private key file behind', () => {
    const home = signedInHome()
    const keyFile = join(home, 'bot.pem')
    const refused = sigil(home, [
      'api-keys',
      'create',
      '--name',
      'x'.repeat(65),
      '--generate',
      '--key-file',
      keyFile,
    ])
    expect(refused.status).toBe(1)
    expect(existsSync(keyFile)).toBe(false)
    const defaulted = sigil(home, ['api-keys', 'create', '--name', 'x'.repeat(65), '--generate'])
    expect(defaulted.status).toBe(1)
    expect(readdirSync(join(home, 'sigil', 'keys'))).toEqual([])
  })

  it('behavior: not signed in: exit 77 and no key file is written', () => {
    const home = newHome()
    const result = sigil(home, ['api-keys', 'create', '--name', 'x', '--generate'])
    expect(result.status).toBe(77)
    expect(existsSync(join(home, 'sigil', 'keys'))).toBe(false)
  })

  it('behavior: rotate --generate replaces keys/<id>.pem once the server took the new key; rotate --public-key FILE too', async () => {
    const { home, id, keyFile } = generated()
    const signerOf = (pem: string) =>
      createSigilClient({
        baseUrl: url(),
        signer: createRequestSigner({
          keyId: id,
          privateKey: createPrivateKey(pem).export({ format: 'jwk' }),
        }),
      })
    const oldPem = readFileSync(keyFile, 'utf8')
    const rotated = sigil(home, ['api-keys', 'rotate', id, '--generate', '--json'])
    expect([rotated.status, rotated.stderr]).toEqual([0, ''])
    expect(JSON.parse(rotated.stdout)).toMatchObject({
      id,
      credential: 'public-key',
      privateKeyFile: keyFile,
    })
    const newPem = readFileSync(keyFile, 'utf8')
    expect(newPem).not.toBe(oldPem)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(readdirSync(join(home, 'sigil', 'keys'))).toEqual([`${id}.pem`])
    expect((await signerOf(newPem).me()).apiKeyId).toBe(id)
    await expect(signerOf(oldPem).me()).rejects.toMatchObject({ code: 'HTTP_SIGNATURE_INVALID' }) // no grace

    const next = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    writeFileSync(join(home, 'next.pub.pem'), next.publicKey.export({ format: 'pem', type: 'spki' }))
    const byFile = sigil(home, [
      'api-keys',
      'rotate',
      id,
      '--public-key',
      join(home, 'next.pub.pem'),
      '--json',
    ])
    expect(JSON.parse(byFile.stdout)).toMatchObject({ id, alg: 'ecdsa-p256-sha256' })
    expect(readFileSync(keyFile, 'utf8')).toBe(newPem) // not touched: the private key is elsewhere
    // A secret key cannot become a signing key: refused by the server, no file left behind.
    const secret = JSON.parse(sigil(home, ['api-keys', 'create', '--name', 's', '--json']).stdout) as {
      id: string
    }
    const mismatch = sigil(home, ['api-keys', 'rotate', secret.id, '--generate'])
    expect(mismatch.status).toBe(1)
    expect(mismatch.stderr).toContain('API_KEY_CREDENTIAL_MISMATCH')
    expect(readdirSync(join(home, 'sigil', 'keys'))).toEqual([`${id}.pem`])
  })
})
