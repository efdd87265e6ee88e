import { STARK_N } from '@sigil/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import { signatureHeader } from './support/paradex-signer.js'
import { A1, A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** Every refusal is Paradex's three-key body with the code ccxt maps. */
const refused = (status: number, error: string) => ({
  status,
  body: { error, message: expect.any(String), data: null },
})
const outcome = (response: { statusCode: number; json(): unknown }) => ({
  status: response.statusCode,
  body: response.json(),
})

describe('Paradex: onboarding attacks', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.close())

  it('attack: a public key that does not derive the account is refused, and nothing is stored', async () => {
    const response = await onboard(server.app, A2, { publicKey: A1.publicKey })
    expect(outcome(response)).toEqual(refused(400, 'PUBLIC_KEY_INVALID'))
    expect(await server.stores.starknetAccounts.find(A2.account)).toBeUndefined()
  })

  it("attack: another key's onboarding signature for this account fails verification", async () => {
    const response = await onboard(server.app, { ...A2, onboarding: A1.onboarding })
    expect(outcome(response)).toEqual(refused(401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'))
    expect(await server.stores.starknetAccounts.find(A2.account)).toBeUndefined()
  })

  it('attack: garbage headers and keys are 400s with the input code, never a 500', async () => {
    const cases: [Parameters<typeof onboard>[2], string][] = [
      [{ headers: { 'paradex-starknet-account': 'zz' } }, 'INVALID_STARKNET_ADDRESS'],
      [{ headers: { 'paradex-starknet-account': `0x${'f'.repeat(64)}` } }, 'INVALID_STARKNET_ADDRESS'],
      [{ headers: { 'paradex-starknet-signature': 'garbage' } }, 'INVALID_STARKNET_SIGNATURE'],
      [{ headers: { 'paradex-starknet-signature': '["1"]' } }, 'INVALID_STARKNET_SIGNATURE'],
      [{ publicKey: '0x0' }, 'PUBLIC_KEY_INVALID'],
      [{ publicKey: 'not hex' }, 'PUBLIC_KEY_INVALID'],
      [{ headers: { 'paradex-ethereum-account': 'nobody' } }, 'VALIDATION_ERROR'],
    ]
    for (const [options, error] of cases) {
      const response = await onboard(server.app, A2, options)
      expect([error, response.statusCode, response.json().error]).toEqual([error, 400, error])
    }
  })
})

describe('Paradex: auth attacks', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
    server.clock.set(1_700_000_060_000)
  })
  afterEach(() => server.close())

  it('attack: auth before onboarding is NOT_ONBOARDED (400), as paradex-py and ccxt expect', async () => {
    expect(outcome(await paradexAuth(server.app))).toEqual(refused(400, 'NOT_ONBOARDED'))
  })

  it('attack: a signature past its expiration is refused', async () => {
    await onboard(server.app)
    server.clock.set(A2.auth.expiration * 1000)
    expect(outcome(await paradexAuth(server.app))).toEqual(refused(401, 'INVALID_SIGNATURE_EXPIRATION'))
  })

  it('attack: a window longer than one week, or an expiration before the timestamp, is refused', async () => {
    await onboard(server.app)
    for (const expiration of [A2.auth.timestamp + 604_801, A2.auth.timestamp, A2.auth.timestamp - 1]) {
      const response = await paradexAuth(server.app, A2.account, { ...A2.auth, expiration })
      expect(outcome(response)).toEqual(refused(400, 'INVALID_TIMESTAMP'))
    }
  })

  it('attack: a timestamp beyond the allowed clock skew in the future is refused', async () => {
    await onboard(server.app)
    server.clock.set((A2.auth.timestamp - 61) * 1000)
    expect(outcome(await paradexAuth(server.app))).toEqual(refused(400, 'INVALID_TIMESTAMP'))
    server.clock.set((A2.auth.timestamp - 60) * 1000)
    expect((await paradexAuth(server.app)).statusCode).toBe(200)
  })

  it('attack: timestamps that are not plain unix seconds are refused before hashing', async () => {
    await onboard(server.app)
    for (const timestamp of ['abc', '1700000000.0', '1e9', '0x6553f100', '-1', '']) {
      const response = await paradexAuth(server.app, A2.account, A2.auth, { 'paradex-timestamp': timestamp })
      expect([timestamp, outcome(response)]).toEqual([timestamp, refused(400, 'INVALID_TIMESTAMP')])
    }
  })

  it('attack: a tampered signature, or a signature over another window, fails verification', async () => {
    await onboard(server.app)
    const tampered = await paradexAuth(server.app, A2.account, { ...A2.auth, r: A2.auth.r + 1n })
    expect(outcome(tampered)).toEqual(refused(401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'))
    const stretched = await paradexAuth(server.app, A2.account, {
      ...A2.auth,
      expiration: A2.auth.expiration + 1,
    })
    expect(outcome(stretched)).toEqual(refused(401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'))
  })

  it("attack: another onboarded account's signature does not authenticate this account", async () => {
    await onboard(server.app)
    await onboard(server.app, A1)
    const response = await paradexAuth(server.app, A2.account, { ...A2.auth, r: A1.auth.r, s: A1.auth.s })
    expect(outcome(response)).toEqual(refused(401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'))
  })

  it('decision: the high-s twin of a valid signature is accepted (Paradex and StarkWare allow both)', async () => {
    await onboard(server.app)
    const twin = await paradexAuth(server.app, A2.account, { ...A2.auth, s: STARK_N - A2.auth.s })
    expect(twin.statusCode).toBe(200)
  })

  it('attack: garbage auth headers are 400s; a missing timestamp too', async () => {
    await onboard(server.app)
    const cases: [Record<string, string>, string][] = [
      [{ 'paradex-starknet-account': 'garbage' }, 'INVALID_STARKNET_ADDRESS'],
      [{ 'paradex-starknet-signature': '[]' }, 'INVALID_STARKNET_SIGNATURE'],
      [
        { 'paradex-starknet-signature': signatureHeader({ r: 0n, s: 1n }) },
        'STARKNET_SIGNATURE_VERIFICATION_FAILED',
      ],
      [{ 'paradex-signature-expiration': 'soon' }, 'INVALID_TIMESTAMP'],
    ]
    for (const [headers, error] of cases) {
      const response = await paradexAuth(server.app, A2.account, A2.auth, headers)
      expect([error, response.json().error]).toEqual([error, error])
    }
    const missing = await server.app.inject({
      method: 'POST',
      url: `${PARADEX}/v1/auth`,
      headers: {
        'paradex-starknet-account': A2.account,
        'paradex-starknet-signature': signatureHeader(A2.auth),
      },
    })
    expect(outcome(missing)).toEqual(refused(400, 'INVALID_TIMESTAMP'))
  })

  it('attack: a Paradex JWT cannot manage credentials (no account scope)', async () => {
    await onboard(server.app)
    const { jwt_token } = (await paradexAuth(server.app)).json()
    const keys = await server.app.inject({
      method: 'GET',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${jwt_token}` },
    })
    expect(keys.statusCode).toBe(403)
  })

  it('behavior: an unknown path under the prefix is a Paradex 404 body', async () => {
    const response = await server.app.inject({ method: 'GET', url: `${PARADEX}/v1/nope` })
    expect(outcome(response)).toEqual(refused(404, 'NOT_FOUND'))
  })
})
