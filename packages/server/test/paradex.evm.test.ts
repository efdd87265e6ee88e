import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { settingsOf } from '../src/http/dialects/define-dialect.js'
import { paradexDialect } from '../src/http/dialects/paradex/index.js'
import { decodeJwt, onboard, PARADEX, paradexAuth } from './support/paradex-client.js'
import {
  EVM_A2_ACCOUNT,
  EVM_A2_KEY,
  evmAuth,
  evmOnboard,
  paradexEvmHeaders,
  paradexSiweText,
} from './support/paradex-evm-client.js'
import { A2 } from './support/paradex-vectors.js'
import { highSTwin } from './support/signature-forgery.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { personalSign, walletFromKey } from './support/wallet.js'

const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' as const
const A2_EVM = walletFromKey(EVM_A2_KEY)
const ISSUED = new Date('2026-01-01T00:00:00Z')
const minutes = (n: number) => new Date(ISSUED.getTime() + n * 60_000)

const onboardingHeaders = (
  overrides: Parameters<typeof paradexEvmHeaders>[1] | object = {},
  key = EVM_A2_KEY,
) =>
  paradexEvmHeaders(key, {
    account: EVM_A2_ACCOUNT,
    statement: 'Paradex Onboarding',
    issuedAt: ISSUED,
    ...overrides,
  })

const authHeaders = (overrides: object = {}, key = EVM_A2_KEY) =>
  paradexEvmHeaders(key, {
    account: EVM_A2_ACCOUNT,
    statement: 'Paradex Auth',
    issuedAt: ISSUED,
    expirationTime: minutes(5),
    ...overrides,
  })

const expectError = (response: { statusCode: number; json(): unknown }, status: number, error: string) => {
  expect({ status: response.statusCode, error: (response.json() as { error: string }).error }).toEqual({
    status,
    error,
  })
}

describe('Paradex v2: EVM (SIWE) onboarding and auth', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
    server.clock.set(minutes(1).getTime())
  })
  afterEach(() => server.close())

  const onboardA2 = async () => {
    const response = await evmOnboard(server.app, await onboardingHeaders(), { public_key: A2_EVM.publicKey })
    expect(response.statusCode).toBe(200)
  }

  it('default: the §11 EVM vector: paradex-py text signed by hardhat #0 gives the recorded signature', async () => {
    const text = paradexSiweText({
      address: A2_EVM.address,
      statement: 'Paradex Auth',
      issuedAt: ISSUED,
      expirationTime: minutes(5),
    })
    expect(await personalSign(A2_EVM, text)).toBe(
      '0x64a8c5e8c47f6453d1edf85134db44e94d09bdf053c7abd607c0e38a614da0274f5465c38483f67a7654ae3ac866e1a60cf0ab0e6b1d5bd07de24cb0f380b1ee1c',
    )
  })

  it('behavior: onboard (empty 200, key checked), status says exists, auth gives a 300 s JWT for the Argent account', async () => {
    const status = () =>
      server.app.inject({
        method: 'GET',
        url: `${PARADEX}/v1/onboarding?account_signer_type=eip191&eth_address=${A2_EVM.address}`,
      })
    expect((await status()).json()).toMatchObject({ address: EVM_A2_ACCOUNT, exists: false })

    const onboarded = await evmOnboard(server.app, await onboardingHeaders(), {
      public_key: A2_EVM.publicKey,
    })
    expect({ status: onboarded.statusCode, body: onboarded.body }).toEqual({ status: 200, body: '' })
    expect((await status()).json()).toEqual({
      account_signer_type: 'eip191',
      address: EVM_A2_ACCOUNT,
      exists: true,
      derivation_info: { class_hash: settingsOf(server.config, paradexDialect).evmAccountClassHash },
    })
    expect(await server.stores.starknetAccounts.find(EVM_A2_ACCOUNT)).toMatchObject({
      signerType: 'eip191',
      publicKey: A2_EVM.address.toLowerCase(),
      ethAddress: A2_EVM.address,
    })

    for (const path of ['/v2/auth', '/v1/v2/auth']) {
      const response = await evmAuth(server.app, await authHeaders(), path)
      expect(response.statusCode).toBe(200)
      expect(response.headers['cache-control']).toBe('no-store')
      const claims = decodeJwt(response.json().jwt_token)
      expect(claims).toMatchObject({ sub: EVM_A2_ACCOUNT, client_id: 'paradex', scope: 'read trade keys' })
      expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    }
  })

  it('behavior: onboarding is idempotent, without a body key too, and also served at /v1/v2/onboarding', async () => {
    await onboardA2()
    expect(
      (await evmOnboard(server.app, await onboardingHeaders(), {}, '/v1/v2/onboarding')).statusCode,
    ).toBe(200)
    expect((await evmAuth(server.app, await authHeaders())).statusCode).toBe(200)
  })

  it('error: auth before onboarding is NOT_ONBOARDED', async () => {
    expectError(await evmAuth(server.app, await authHeaders()), 400, 'NOT_ONBOARDED')
  })

  it('attack: a tampered SIWE header (expiration pushed out after signing) fails verification', async () => {
    await onboardA2()
    const headers = await authHeaders()
    const text = Buffer.from(headers['paradex-siwe-message']!, 'base64').toString('utf8')
    const tampered = text.replace(
      'Expiration Time: 2026-01-01T00:05:00Z',
      'Expiration Time: 2026-01-07T00:00:00Z',
    )
    expect(tampered).not.toBe(text)
    const response = await evmAuth(server.app, {
      ...headers,
      'paradex-siwe-message': Buffer.from(tampered).toString('base64'),
    })
    expectError(response, 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED')
  })

  it('attack: an EVM signature by another key over A2 text is refused', async () => {
    await onboardA2()
    const text = Buffer.from((await authHeaders())['paradex-siwe-message']!, 'base64').toString('utf8')
    const forged = await personalSign(walletFromKey(OTHER_KEY), text)
    const response = await evmAuth(server.app, { ...(await authHeaders()), 'paradex-evm-signature': forged })
    expectError(response, 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED')
  })

  it('attack: another signer cannot onboard or auth as the account (it derives another address)', async () => {
    await onboardA2()
    expectError(
      await evmOnboard(server.app, await onboardingHeaders({}, OTHER_KEY)),
      400,
      'INVALID_STARKNET_ADDRESS',
    )
    expectError(await evmAuth(server.app, await authHeaders({}, OTHER_KEY)), 400, 'INVALID_STARKNET_ADDRESS')
  })

  it('attack: the body key must be the signer key', async () => {
    const other = walletFromKey(OTHER_KEY).publicKey
    for (const public_key of [other, '0x04abc', A2.publicKey]) {
      expectError(
        await evmOnboard(server.app, await onboardingHeaders(), { public_key }),
        400,
        'PUBLIC_KEY_INVALID',
      )
    }
    expect(await server.stores.starknetAccounts.find(EVM_A2_ACCOUNT)).toBeUndefined()
  })

  it('attack: a high-s twin of a valid signature is refused (EIP-2)', async () => {
    await onboardA2()
    const headers = await authHeaders()
    const twin = highSTwin(headers['paradex-evm-signature']!)
    expectError(
      await evmAuth(server.app, { ...headers, 'paradex-evm-signature': twin }),
      401,
      'STARKNET_SIGNATURE_VERIFICATION_FAILED',
    )
  })

  it.each([
    ['another domain', { domain: 'app.paradex.trade' }, 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'],
    ['another URI', { uri: 'https://evil.example' }, 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'],
    ['another chain', { chainId: 1 }, 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED'],
    ['the onboarding statement', { statement: 'Paradex Onboarding' }, 400, 'INVALID_REQUEST_PARAMETER'],
    ['an expired message', { expirationTime: minutes(1) }, 401, 'INVALID_SIGNATURE_EXPIRATION'],
    ['no Expiration Time', { expirationTime: undefined }, 400, 'INVALID_REQUEST_PARAMETER'],
    [
      'a window over one week',
      { expirationTime: minutes(7 * 24 * 60 + 1) },
      400,
      'INVALID_REQUEST_PARAMETER',
    ],
    [
      'Issued At in the future',
      { issuedAt: minutes(10), expirationTime: minutes(15) },
      400,
      'INVALID_TIMESTAMP',
    ],
  ])('attack: auth with %s is refused', async (_name, overrides, status, error) => {
    await onboardA2()
    expectError(await evmAuth(server.app, await authHeaders(overrides)), status, error)
  })

  it('attack: onboarding with the auth statement is refused', async () => {
    expectError(
      await evmOnboard(server.app, await onboardingHeaders({ statement: 'Paradex Auth' })),
      400,
      'INVALID_REQUEST_PARAMETER',
    )
  })

  it('error: malformed headers are 400s with Paradex codes', async () => {
    await onboardA2()
    const headers = await authHeaders()
    const cases: [Record<string, string>, string][] = [
      [{ 'paradex-siwe-message': 'not base64!' }, 'INVALID_REQUEST_PARAMETER'],
      [{ 'paradex-siwe-message': Buffer.from([0xff, 0xfe]).toString('base64') }, 'INVALID_REQUEST_PARAMETER'],
      [{ 'paradex-evm-signature': '0x1234' }, 'INVALID_STARKNET_SIGNATURE'],
      [{ 'paradex-starknet-account': 'zz' }, 'INVALID_STARKNET_ADDRESS'],
    ]
    for (const [change, error] of cases)
      expectError(await evmAuth(server.app, { ...headers, ...change }), 400, error)
    const { 'paradex-siwe-message': _omitted, ...missing } = headers
    expectError(await evmAuth(server.app, missing), 400, 'INVALID_REQUEST_PARAMETER')
  })

  it('attack: a Starknet-key account cannot use v2, nor an EVM account v1', async () => {
    await onboardA2()
    expect((await onboard(server.app)).statusCode).toBe(200)
    server.clock.set(1_700_000_060_000)
    expectError(await paradexAuth(server.app, EVM_A2_ACCOUNT), 401, 'STARKNET_SIGNATURE_VERIFICATION_FAILED')
  })
})
