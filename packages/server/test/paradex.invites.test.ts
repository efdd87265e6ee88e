import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeJwt, onboard, paradexAuth } from './support/paradex-client.js'
import {
  EVM_A2_ACCOUNT,
  EVM_A2_KEY,
  evmAuth,
  evmOnboard,
  paradexEvmHeaders,
} from './support/paradex-evm-client.js'
import { A1, A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { walletFromKey } from './support/wallet.js'

const scopeOf = async (
  server: TestServer,
  account: string = A2.account,
  auth: typeof A2.auth | typeof A1.auth = A2.auth,
) => {
  const response = await paradexAuth(server.app, account, auth)
  expect(response.statusCode).toBe(200)
  return decodeJwt(response.json().jwt_token).scope
}

const onboardWithCode = (server: TestServer, referral_code: string, signer: typeof A2 | typeof A1 = A2) =>
  server.app.inject({
    method: 'POST',
    url: '/paradex/v1/onboarding',
    headers: {
      'paradex-starknet-account': signer.account,
      'paradex-starknet-signature': JSON.stringify([`${signer.onboarding.r}`, `${signer.onboarding.s}`]),
      'content-type': 'application/json',
    },
    payload: { public_key: signer.publicKey, referral_code },
  })

describe('Paradex onboarding with invitesRequired: referral_code redeems a Sigil invite', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ invitesRequired: true })
    server.clock.set(1_700_000_060_000)
  })
  afterEach(() => server.close())

  it('behavior: onboarded without a code the account is pending (read only); a good code activates it', async () => {
    expect((await onboard(server.app)).statusCode).toBe(200)
    expect(await scopeOf(server)).toBe('read keys')

    const code = await server.gateway.operator.createInvite({ uses: 1 })
    const again = await onboardWithCode(server, code)
    expect(again.statusCode).toBe(200)
    expect(await scopeOf(server)).toBe('read trade keys')

    const events = await server.stores.audit.query({ accountId: A2.account, limit: 10 })
    expect(events.map((e) => e.type).filter((t) => t !== 'sign_in.succeeded')).toEqual([
      'account.onboarded',
      'invite.redeemed',
    ])
  })

  it('attack: a bad or spent code is a 400 and changes nothing; the account stays onboarded and pending', async () => {
    const code = await server.gateway.operator.createInvite({ uses: 1 })
    const withCode = (code: string, signer: typeof A2 | typeof A1 = A2) =>
      onboardWithCode(server, code, signer)
    const bad = await withCode('sgl_inv_not-a-real-code')
    expect({ status: bad.statusCode, error: bad.json().error }).toEqual({
      status: 400,
      error: 'INVALID_REQUEST_PARAMETER',
    })
    expect(await scopeOf(server)).toBe('read keys')

    expect((await withCode(code)).statusCode).toBe(200)
    const spent = await withCode(code, A1)
    expect(spent.statusCode).toBe(400)
    expect(await scopeOf(server, A1.account, A1.auth)).toBe('read keys')
    // Onboarding an already active account again does not consume a code.
    const unused = await server.gateway.operator.createInvite({ uses: 1 })
    expect((await withCode(unused)).statusCode).toBe(200)
    expect((await withCode(unused, A1)).statusCode).toBe(200)
    expect(await scopeOf(server, A1.account, A1.auth)).toBe('read trade keys')
  })

  it('behavior: v2 (EVM) onboarding redeems the same way', async () => {
    const issued = new Date('2026-01-01T00:00:00Z')
    server.clock.set(issued.getTime() + 60_000)
    const code = await server.gateway.operator.createInvite({ uses: 1 })
    const headers = await paradexEvmHeaders(EVM_A2_KEY, {
      account: EVM_A2_ACCOUNT,
      statement: 'Paradex Onboarding',
      issuedAt: issued,
    })
    const response = await evmOnboard(server.app, headers, {
      public_key: walletFromKey(EVM_A2_KEY).publicKey,
      referral_code: code,
    })
    expect(response.statusCode).toBe(200)
    const auth = await paradexEvmHeaders(EVM_A2_KEY, {
      account: EVM_A2_ACCOUNT,
      statement: 'Paradex Auth',
      issuedAt: issued,
      expirationTime: new Date(issued.getTime() + 300_000),
    })
    expect(decodeJwt((await evmAuth(server.app, auth)).json().jwt_token).scope).toBe('read trade keys')
  })
})

describe('Paradex onboarding without invitesRequired', () => {
  it('behavior: referral_code is a marketing field: any value is accepted and ignored', async () => {
    const server = await startTestServer()
    try {
      server.clock.set(1_700_000_060_000)
      const response = await onboardWithCode(server, 'anything-at-all')
      expect(response.statusCode).toBe(200)
      expect(await scopeOf(server)).toBe('read trade keys')
    } finally {
      await server.close()
    }
  })
})
