import type { PrivateKeyAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  OCX_ORIGIN,
  type OcxClient,
  type OcxMessageFields,
  ocxClient,
  ocxMessage,
} from './support/ocx-client.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, personalSign } from './support/wallet.js'

type Fields = Omit<OcxMessageFields, 'nonce' | 'now'>

/** spec/siwe.md §7, as far as it applies to OCX: each refusal in OCX's body, with its code. */
describe('OCX /auth/siwe: messages that must not sign in', () => {
  let server: TestServer
  let client: OcxClient
  let wallet: PrivateKeyAccount
  beforeEach(async () => {
    server = await startTestServer()
    client = ocxClient(server.app, { headers: OCX_ORIGIN })
    wallet = newWallet()
  })
  afterEach(() => server.close())

  const nonceFor = async (address = wallet.address) => (await client.nonce(address)).json().nonce as string
  const signed = async (fields: Fields & { nonce: string }, signer = wallet) => {
    const message = ocxMessage(wallet, { ...fields, now: server.clock.now() })
    return { message, signature: await personalSign(signer, message) }
  }
  const attempt = async (fields: Fields & { nonce: string }, signer = wallet) => {
    const { message, signature } = await signed(fields, signer)
    return client.siwe(message, signature)
  }
  const expectOcxError = (
    response: { statusCode: number; json(): unknown },
    status: number,
    error: string,
  ) => {
    expect(response.statusCode).toBe(status)
    expect(response.json()).toEqual({ error, message: expect.any(String) })
  }
  /** The refusal did not burn the nonce: the right message still signs in with it. */
  const expectNonceUsable = async (nonce: string) => {
    expect((await attempt({ nonce })).statusCode).toBe(200)
  }

  it('error: no Expiration Time is INVALID_SIWE_MESSAGE (400), and the nonce stays usable', async () => {
    const nonce = await nonceFor()
    const response = await attempt({ nonce, expiresIn: null })
    expectOcxError(response, 400, 'INVALID_SIWE_MESSAGE')
    expect(response.json().message).toContain('expiration_time_required')
    await expectNonceUsable(nonce)
  })

  it('error: an Expiration Time beyond the window (one hour by default) is INVALID_SIWE_MESSAGE', async () => {
    const nonce = await nonceFor()
    const response = await attempt({ nonce, expiresIn: 3601 })
    expectOcxError(response, 400, 'INVALID_SIWE_MESSAGE')
    expect(response.json().message).toContain('expiration_time_too_far')
    expect((await attempt({ nonce, expiresIn: 3600 })).statusCode).toBe(200)
  })

  it('behavior: the window follows ocx.maxExpirationSeconds', async () => {
    await server.close()
    server = await startTestServer({ 'ocx.maxExpirationSeconds': 120 })
    client = ocxClient(server.app, { headers: OCX_ORIGIN })
    const nonce = await nonceFor()
    expectOcxError(await attempt({ nonce, expiresIn: 121 }), 400, 'INVALID_SIWE_MESSAGE')
    expect((await attempt({ nonce, expiresIn: 120 })).statusCode).toBe(200)
  })

  it('error: an expired message is INVALID_SIWE_MESSAGE', async () => {
    const nonce = await nonceFor()
    const stale = await signed({ nonce, expiresIn: 60 })
    server.clock.advance(61_000)
    expectOcxError(await client.siwe(stale.message, stale.signature), 400, 'INVALID_SIWE_MESSAGE')
  })

  it.each<[string, Fields]>([
    ['another domain', { domain: 'evil.example' }],
    ['the right host on another port', { domain: 'app.example:8443' }],
    ['another URI', { uri: 'https://evil.example/login' }],
    ['the http scheme', { scheme: 'http' }],
    ['Ethereum mainnet (chain 1)', { chainId: 1 }],
    ['an EVEDEX chain', { chainId: 161803 }],
  ])('error: a message for %s is INVALID_SIWE_MESSAGE, and the nonce stays usable', async (_, fields) => {
    const nonce = await nonceFor()
    expectOcxError(await attempt({ ...fields, nonce }), 400, 'INVALID_SIWE_MESSAGE')
    await expectNonceUsable(nonce)
  })

  it('behavior: both default OCX chains sign in (Base 8453, Base Sepolia 84532)', async () => {
    expect((await attempt({ nonce: await nonceFor(), chainId: 8453 })).statusCode).toBe(200)
    expect((await attempt({ nonce: await nonceFor(), chainId: 84532 })).statusCode).toBe(200)
  })

  it('error: a nonce bound to another wallet is NONCE_MISMATCH (400), and stays usable by its wallet', async () => {
    const other = newWallet()
    const nonce = await nonceFor(other.address)
    expectOcxError(await attempt({ nonce }), 400, 'NONCE_MISMATCH')
    const theirs = ocxMessage(other, { nonce, now: server.clock.now() })
    expect((await client.siwe(theirs, await personalSign(other, theirs))).statusCode).toBe(200)
  })

  it('behavior: the nonce binding ignores address case (a lower-case walletAddress binds the same wallet)', async () => {
    const nonce = await nonceFor(wallet.address.toLowerCase() as `0x${string}`)
    expect((await attempt({ nonce })).statusCode).toBe(200)
  })

  it('error: a replay (the same message and signature again) is NONCE_MISMATCH', async () => {
    const { message, signature } = await signed({ nonce: await nonceFor() })
    expect((await client.siwe(message, signature)).statusCode).toBe(200)
    const replay = await client.siwe(message, signature)
    expectOcxError(replay, 400, 'NONCE_MISMATCH')
    expect(replay.json().message).toMatch(/already been used/)
  })

  it('error: unknown, expired and foreign nonces are NONCE_MISMATCH (a native nonce is not an OCX one)', async () => {
    expectOcxError(await attempt({ nonce: 'a'.repeat(32) }), 400, 'NONCE_MISMATCH')
    expectOcxError(
      await attempt({ nonce: await getNonce(server.app, wallet.address) }),
      400,
      'NONCE_MISMATCH',
    )
    const nonce = await nonceFor()
    server.clock.advance(server.config.nonceTtlSeconds * 1000 + 1000)
    expectOcxError(await attempt({ nonce }), 400, 'NONCE_MISMATCH')
  })

  it('error: a signature by another key is INVALID_SIGNATURE (401); so is a malformed one', async () => {
    const nonce = await nonceFor()
    expectOcxError(await attempt({ nonce }, newWallet()), 401, 'INVALID_SIGNATURE')
    const { message } = await signed({ nonce: await nonceFor() })
    expectOcxError(await client.siwe(message, `0x${'ab'.repeat(66)}`), 401, 'INVALID_SIGNATURE')
  })

  it('error: a message that is not EIP-4361 is INVALID_SIWE_MESSAGE', async () => {
    const { message, signature } = await signed({ nonce: await nonceFor() })
    expectOcxError(
      await client.siwe(message.replaceAll('\n', '\r\n'), signature),
      400,
      'INVALID_SIWE_MESSAGE',
    )
    expectOcxError(await client.siwe('hello', signature), 400, 'INVALID_SIWE_MESSAGE')
  })

  it.each([
    ['no walletAddress', {}],
    ['a malformed walletAddress', { walletAddress: '0x1234' }],
    ['an unknown property', { walletAddress: newWallet().address, chainId: 1 }],
  ])('error: /auth/nonce with %s is a 400 VALIDATION_FAILED', async (_, body) => {
    expectOcxError(await client.call('POST', '/auth/nonce', body), 400, 'VALIDATION_FAILED')
  })

  it('error: /auth/siwe without a signature is a 400 VALIDATION_FAILED', async () => {
    expectOcxError(await client.call('POST', '/auth/siwe', { message: 'x' }), 400, 'VALIDATION_FAILED')
  })
})
