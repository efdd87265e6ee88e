import { STARK_N } from '@sigil/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { onboard, paradexAuth } from './support/paradex-client.js'
import {
  EVM_A2_ACCOUNT,
  EVM_A2_KEY,
  evmAuth,
  evmOnboard,
  paradexEvmHeaders,
} from './support/paradex-evm-client.js'
import { A2 } from './support/paradex-vectors.js'
import { startTestServer, type TestServer } from './support/test-server.js'

const ISSUED = Date.parse('2026-01-01T00:00:00Z')

describe('Paradex strictReplay', () => {
  let server: TestServer
  afterEach(() => server.close())

  const start = async (strict: boolean) => {
    server = await startTestServer({ 'paradex.strictReplay': strict })
    server.clock.set(1_700_000_060_000)
    expect((await onboard(server.app)).statusCode).toBe(200)
  }

  it('default: off, as on Paradex: one signed header set mints a token on every call until it expires', async () => {
    await start(false)
    for (let i = 0; i < 3; i++) expect((await paradexAuth(server.app)).statusCode).toBe(200)
    // The high-s twin verifies too (Stark ECDSA allows it): the replay tests below rely on that.
    const twin = { ...A2.auth, s: STARK_N - A2.auth.s }
    expect((await paradexAuth(server.app, A2.account, twin)).statusCode).toBe(200)
  })

  it('attack: on, a second use of the same v1 headers is SIGNATURE_REPLAYED', async () => {
    await start(true)
    expect((await paradexAuth(server.app)).statusCode).toBe(200)
    const replay = await paradexAuth(server.app)
    expect({ status: replay.statusCode, error: replay.json().error }).toEqual({
      status: 401,
      error: 'STARKNET_SIGNATURE_VERIFICATION_FAILED',
    })
    expect(replay.json().message).toMatch(/already been exchanged/)
  })

  it('attack: on, the malleated twin (r, n − s) of a used signature is the same message, so it is refused too', async () => {
    await start(true)
    expect((await paradexAuth(server.app)).statusCode).toBe(200)
    const twin = { ...A2.auth, s: STARK_N - A2.auth.s }
    const replay = await paradexAuth(server.app, A2.account, twin)
    expect(replay.statusCode).toBe(401)
  })

  it('attack: on, a forged signature over headers nobody used does not burn them for their owner', async () => {
    await start(true)
    const forged = await paradexAuth(server.app, A2.account, { ...A2.auth, r: A2.auth.r + 1n })
    expect(forged.statusCode).toBe(401)
    expect((await paradexAuth(server.app)).statusCode).toBe(200)
  })

  it('behavior: on, a use is remembered until the signed expiration, then pruned', async () => {
    await start(true)
    expect((await paradexAuth(server.app)).statusCode).toBe(200)
    server.clock.set((A2.auth.expiration + 1) * 1000)
    // Past the signed expiration the headers are refused as expired; the remembered use can go.
    expect((await paradexAuth(server.app)).json().error).toBe('INVALID_SIGNATURE_EXPIRATION')
    expect(await server.stores.signatureUses.deleteExpired(server.clock.now())).toBe(1)
  })

  it('attack: on, a second use of one v2 SIWE message is refused; a fresh message passes', async () => {
    server = await startTestServer({ 'paradex.strictReplay': true })
    server.clock.set(ISSUED + 60_000)
    const fields = { account: EVM_A2_ACCOUNT, issuedAt: new Date(ISSUED) }
    const onboarding = await paradexEvmHeaders(EVM_A2_KEY, { ...fields, statement: 'Paradex Onboarding' })
    expect((await evmOnboard(server.app, onboarding)).statusCode).toBe(200)
    const auth = await paradexEvmHeaders(EVM_A2_KEY, {
      ...fields,
      statement: 'Paradex Auth',
      expirationTime: new Date(ISSUED + 300_000),
    })
    expect((await evmAuth(server.app, auth)).statusCode).toBe(200)
    expect((await evmAuth(server.app, auth)).statusCode).toBe(401)
    const fresh = await paradexEvmHeaders(EVM_A2_KEY, {
      ...fields,
      nonce: 'ffeeddccbbaa99887766554433221100',
      statement: 'Paradex Auth',
      expirationTime: new Date(ISSUED + 300_000),
    })
    expect((await evmAuth(server.app, fresh)).statusCode).toBe(200)
  })
})
