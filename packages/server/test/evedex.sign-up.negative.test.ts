import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { evedexApi, type MessageFields, signUpBody } from './support/evedex-client.js'
import { highSTwin } from './support/signature-forgery.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce } from './support/wallet.js'

/** spec/siwe.md §7, the cases that apply to EVEDEX's sign-up, run against the dialect. */
describe('EVEDEX dialect: POST /auth/user/sign-up refusals', () => {
  let server: TestServer
  let api: ReturnType<typeof evedexApi>
  const signer = Wallet.createRandom()
  beforeEach(async () => {
    server = await startTestServer({ publicUrl: 'https://app.example' })
    api = evedexApi(server.app)
  })
  afterEach(() => server.close())

  /** A valid sign-up body for `nonce`, with the message fields and body fields overridden. */
  async function body(
    nonce: string,
    fields: Partial<MessageFields> = {},
    extra: Record<string, unknown> = {},
  ) {
    return { ...(await signUpBody(signer, nonce, server.clock.now(), fields)), ...extra }
  }

  async function expectRefused(payload: Record<string, unknown>, status: number, code: string) {
    const response = await api.signUp(payload)
    expect([response.statusCode, response.json().code]).toEqual([status, code])
    expect(response.json()).toMatchObject({ statusCode: status, code })
    expect(typeof response.json().message).toBe('string')
    return response
  }

  it('error: wallet ≠ the message address → 400, and the nonce stays usable', async () => {
    const nonce = await api.nonce()
    const other = Wallet.createRandom().address
    const response = await expectRefused(await body(nonce, {}, { wallet: other }), 400, 'VALIDATION_FAILED')
    expect(response.json()).toMatchObject({ error: 'Bad Request', detail: expect.stringContaining('wallet') })
    await expectRefused(await body(nonce, {}, { wallet: 'not an address' }), 400, 'VALIDATION_FAILED')
    expect((await api.signUp(await body(nonce))).statusCode).toBe(200)
  })

  it('behavior: the wallet is compared as 20 bytes, whatever its case', async () => {
    const nonce = await api.nonce()
    const response = await api.signUp(await body(nonce, {}, { wallet: signer.address.toLowerCase() }))
    expect(response.statusCode).toBe(200)
  })

  it('error: nonce ≠ the message nonce → 400, and neither nonce is spent', async () => {
    const [first, second] = [await api.nonce(), await api.nonce()]
    const response = await expectRefused(await body(first, {}, { nonce: second }), 400, 'VALIDATION_FAILED')
    expect(response.json().detail).toContain('nonce')
    expect((await api.signUp(await body(first))).statusCode).toBe(200)
    expect((await api.signUp(await body(second))).statusCode).toBe(200)
  })

  it('error: the same signed sign-up twice → the replay is 401 NONCE_USED', async () => {
    const payload = await body(await api.nonce())
    expect((await api.signUp(payload)).statusCode).toBe(200)
    await expectRefused(payload, 401, 'NONCE_USED')
  })

  it('error: a nonce never issued, or issued by the native API, is unknown here', async () => {
    await expectRefused(await body('neverissued12345'), 401, 'NONCE_UNKNOWN')
    await expectRefused(await body(await getNonce(server.app)), 401, 'NONCE_UNKNOWN')
  })

  it('error: a nonce older than its lifetime → 401 NONCE_EXPIRED', async () => {
    const nonce = await api.nonce()
    server.clock.advance((server.config.nonceTtlSeconds + 1) * 1000)
    await expectRefused(await body(nonce), 401, 'NONCE_EXPIRED')
  })

  it('error: a message for another site, scheme, URI or chain → 401 with its code, nonce kept', async () => {
    const nonce = await api.nonce()
    await expectRefused(await body(nonce, { domain: 'evil.example' }), 401, 'DOMAIN_MISMATCH')
    await expectRefused(await body(nonce, { domain: 'app.example:8443' }), 401, 'DOMAIN_MISMATCH')
    await expectRefused(await body(nonce, { scheme: 'http' }), 401, 'SCHEME_MISMATCH')
    await expectRefused(await body(nonce, { uri: 'https://evil.example/login' }), 401, 'URI_MISMATCH')
    await expectRefused(await body(nonce, { chainId: 1 }), 401, 'CHAIN_NOT_ALLOWED')
    await expectRefused(await body(nonce, { chainId: 137 }), 401, 'CHAIN_NOT_ALLOWED')
    expect((await api.signUp(await body(nonce))).statusCode).toBe(200)
  })

  it('error: an expired message, or one valid only later → 401', async () => {
    const now = server.clock.now()
    const nonce = await api.nonce()
    await expectRefused(
      await body(nonce, { issuedAt: new Date(now - 60_000), expirationTime: new Date(now - 1000) }),
      401,
      'MESSAGE_EXPIRED',
    )
    await expectRefused(await body(nonce, { issuedAt: new Date(now + 600_000) }), 401, 'ISSUED_AT_INVALID')
  })

  it('error: a malformed, non-canonical or foreign signature is refused', async () => {
    const nonce = await api.nonce()
    const valid = await body(nonce)
    for (const signature of [`${valid.signature}00`, valid.signature.slice(2), '0x', 'zz']) {
      await expectRefused({ ...valid, signature }, 400, 'SIGNATURE_MALFORMED')
    }
    await expectRefused({ ...valid, signature: highSTwin(valid.signature) }, 401, 'SIGNATURE_NOT_CANONICAL')
    const foreign = await Wallet.createRandom().signMessage(valid.message)
    await expectRefused({ ...valid, signature: foreign }, 401, 'INVALID_SIGNATURE')
  })

  it('error: a message that is not strict EIP-4361 → 400 INVALID_SIWE_MESSAGE', async () => {
    const valid = await body(await api.nonce())
    const crlf = valid.message.replaceAll('\n', '\r\n')
    await expectRefused({ ...valid, message: crlf }, 400, 'INVALID_SIWE_MESSAGE')
    await expectRefused({ ...valid, message: `${valid.message}\n` }, 400, 'INVALID_SIWE_MESSAGE')
    await expectRefused({ ...valid, message: 'EVEDEX sign in' }, 400, 'INVALID_SIWE_MESSAGE')
    expect((await api.signUp(valid)).statusCode).toBe(200)
  })

  it('error: an unknown body field, a missing one or a wrong type → 400, as their schema says', async () => {
    const valid = await body(await api.nonce())
    await expectRefused({ ...valid, foo: 1 }, 400, 'VALIDATION_FAILED')
    const { nonce: _nonce, ...withoutNonce } = valid
    await expectRefused(withoutNonce, 400, 'VALIDATION_FAILED')
    await expectRefused({ ...valid, method: 'password' }, 400, 'VALIDATION_FAILED')
    await expectRefused({ ...valid, signature: '' }, 400, 'VALIDATION_FAILED')
    const empty = await api.send('POST', '/auth/user/sign-up', {
      headers: { 'content-type': 'application/json' },
    })
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'VALIDATION_FAILED'])
    expect((await api.signUp(valid)).statusCode).toBe(200)
  })

  it("default: every optional field of EVEDEX's SignUpBody is accepted (and changes nothing)", async () => {
    const payload = await body(
      await api.nonce(),
      {},
      {
        name: '',
        referralCode: null,
        source: 'unknown',
        method: 'wallet',
        userId: '2f1c0b6e-2a4e-4e37-9d1b-0c1f3d1e8a55',
        type: 'user',
        utm: { source: 's', medium: 'm', campaign: 'c', term: 't', content: 'x' },
        tracking: { params: { gclid: 'abc' } },
        twofa: { code: '123456' },
        fingerprint: 'f',
        visitorId: 'v',
        walletSource: 'evedex',
      },
    )
    const response = await server.app.inject({
      method: 'POST',
      url: '/evedex/auth/user/sign-up?noCookieReplace=yes',
      payload,
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(response.json().user.wallet).toBe(signer.address)
  })
})
