import { SECP256K1_N } from '@sigil/protocol'
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type AgentKeyPair,
  agentKeyPair,
  authorization,
  authorizeAgent,
  postAuthorization,
  signWithEthers,
  signWithViem,
} from './support/agent-keys.js'
import { listKeys, signedIn } from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

/** The high-s twin of a 65-byte signature: the same signer, another encoding (EIP-2 refuses it). */
function highS(signature: string): string {
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = Number.parseInt(signature.slice(130), 16)
  return `${signature.slice(0, 66)}${(SECP256K1_N - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`
}

describe('POST /v1/agent-keys: a wallet authorizes an agent key with one EIP-712 signature', () => {
  let server: TestServer
  let agent: AgentKeyPair
  beforeEach(async () => {
    server = await startTestServer({ agentKeyMaxDays: 30 })
    agent = await agentKeyPair()
  })
  afterEach(() => server.close())

  it('default: viem signTypedData registers the key for the wallet’s account, no session needed', async () => {
    const wallet = newWallet()
    const response = await authorizeAgent(server, wallet, agent)
    expect(response.statusCode).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.json()
    expect(body).toEqual({
      id: expect.any(String),
      scope: 'trade',
      expiresAt: iso(server.clock.now() + 7 * DAY),
      account: { id: expect.any(String), address: wallet.address },
    })
    // The account is the one a sign-in of the wallet finds (created as sign-in creates it).
    const session = await signedIn(server, wallet)
    expect(session.accountId).toBe(body.account.id)
    const keys = (await listKeys(server, session)).json().apiKeys
    expect(keys).toEqual([
      expect.objectContaining({
        id: body.id,
        name: 'market maker',
        scope: 'trade',
        status: 'active',
        credential: 'public-key',
        thumbprint: agent.thumbprint,
        alg: 'ed25519',
        expiresAt: body.expiresAt,
      }),
    ])
    // Audited, with non-secret facts only.
    const events = await server.stores.audit.query({ accountId: body.account.id, limit: 10 })
    expect(events.find((e) => e.type === 'agent_key.authorized')?.detail).toEqual({
      key: body.id,
      scope: 'trade',
      agentKey: agent.thumbprint,
      alg: 'ed25519',
      chainId: 1,
    })
  })

  it('default: ethers Wallet.signTypedData (the independent peer) and a P-256 agent key register too', async () => {
    const wallet = Wallet.createRandom()
    const p256 = await agentKeyPair('p256')
    const typed = authorization(server, wallet, p256, await getNonce(server.app), {
      message: { scope: 'read' },
    })
    const response = await postAuthorization(
      server,
      typed,
      p256.publicJwk,
      await signWithEthers(wallet, typed),
    )
    expect(response.statusCode).toBe(201)
    expect(response.json().scope).toBe('read')
    expect(response.json().account.address).toBe(wallet.address)
  })

  it('behavior: a lower-case wallet address and an address-bound nonce work as in SIWE', async () => {
    const wallet = newWallet()
    const nonce = await getNonce(server.app, wallet.address)
    const typed = authorization(server, wallet, agent, nonce, {
      message: { wallet: wallet.address.toLowerCase() },
    })
    expect(
      (await postAuthorization(server, typed, agent.publicJwk, await signWithViem(wallet, typed))).statusCode,
    ).toBe(201)
  })

  it('behavior: an expiry of exactly agentKeyMaxDays is accepted', async () => {
    const wallet = newWallet()
    const typed = authorization(server, wallet, agent, await getNonce(server.app), {
      message: { expiresAt: iso(server.clock.now() + 30 * DAY) },
    })
    expect(
      (await postAuthorization(server, typed, agent.publicJwk, await signWithViem(wallet, typed))).statusCode,
    ).toBe(201)
  })
})

describe('POST /v1/agent-keys: the deployment’s own domain name', () => {
  it('behavior: the nonce response names what to sign; a renamed deployment refuses the default name', async () => {
    const server = await startTestServer({ agentKeyDomainName: 'Acme Exchange', agentKeyMaxDays: 7 })
    try {
      const wallet = newWallet()
      const agent = await agentKeyPair()
      const nonce = await server.app.inject({ method: 'POST', url: '/v1/auth/nonce', payload: {} })
      const { agentKeys } = nonce.json()
      expect(agentKeys).toEqual({
        domain: { name: 'Acme Exchange', version: '1' },
        origin: 'https://app.example',
        maxDays: 7,
      })
      const typed = authorization(server, wallet, agent, nonce.json().nonce, {
        domain: agentKeys.domain,
        message: { origin: agentKeys.origin },
      })
      expect(
        (await postAuthorization(server, typed, agent.publicJwk, await signWithViem(wallet, typed)))
          .statusCode,
      ).toBe(201)
      const sigil = authorization(server, wallet, agent, await getNonce(server.app))
      expectProblem(
        await postAuthorization(server, sigil, agent.publicJwk, await signWithViem(wallet, sigil)),
        401,
        'DOMAIN_MISMATCH',
      )
    } finally {
      await server.close()
    }
  })
})

describe('POST /v1/agent-keys: invites', () => {
  it('behavior: with invites required, a new wallet gets a pending account: a read key, never a trade key', async () => {
    const server = await startTestServer({ invitesRequired: true })
    try {
      const wallet = newWallet()
      const agent = await agentKeyPair()
      expectProblem(await authorizeAgent(server, wallet, agent), 403, 'INVITE_REQUIRED')
      const response = await authorizeAgent(server, wallet, agent, { message: { scope: 'read' } })
      expect(response.statusCode).toBe(201)
      expect((await server.stores.accounts.findByAddress(wallet.address))?.status).toBe('pending')
    } finally {
      await server.close()
    }
  })
})

describe('POST /v1/agent-keys: attacks', () => {
  let server: TestServer
  let agent: AgentKeyPair
  const wallet = newWallet()
  beforeEach(async () => {
    server = await startTestServer({ agentKeyMaxDays: 30, siweChainIds: [1, 10] })
    agent = await agentKeyPair()
  })
  afterEach(() => server.close())

  const attempt = async (
    overrides: Parameters<typeof authorization>[4] = {},
    options: {
      signer?: typeof wallet
      publicKey?: object
      nonce?: string
      tamper?: (s: string) => string
    } = {},
  ) => {
    const typed = authorization(
      server,
      wallet,
      agent,
      options.nonce ?? (await getNonce(server.app)),
      overrides,
    )
    const signature = await signWithViem(options.signer ?? wallet, typed)
    return postAuthorization(
      server,
      typed,
      options.publicKey ?? agent.publicJwk,
      options.tamper?.(signature) ?? signature,
    )
  }

  it('negative: a replayed authorization (its nonce used) is 401 NONCE_USED, and registers nothing more', async () => {
    const typed = authorization(server, wallet, agent, await getNonce(server.app))
    const signature = await signWithViem(wallet, typed)
    expect((await postAuthorization(server, typed, agent.publicJwk, signature)).statusCode).toBe(201)
    expectProblem(await postAuthorization(server, typed, agent.publicJwk, signature), 401, 'NONCE_USED')
    const session = await signedIn(server, wallet)
    expect((await listKeys(server, session)).json().apiKeys).toHaveLength(1)
  })

  it('behavior: refusals are audited, sampled per client (one row a minute, with how many were skipped)', async () => {
    for (let i = 0; i < 3; i++)
      expectProblem(await attempt({}, { signer: newWallet() }), 401, 'INVALID_SIGNATURE')
    const refused = () =>
      server.stores.audit
        .query({ limit: 50 })
        .then((events) => events.filter((e) => e.type === 'agent_key.refused'))
    expect((await refused()).map((e) => e.detail)).toEqual([
      { action: 'authorize', code: 'INVALID_SIGNATURE' },
    ])
    server.clock.advance(61_000)
    expectProblem(await attempt({ domain: { chainId: 5 } }), 401, 'CHAIN_NOT_ALLOWED')
    expect((await refused()).map((e) => e.detail)[1]).toEqual({
      action: 'authorize',
      code: 'CHAIN_NOT_ALLOWED',
      reason: 'chain_not_allowed',
      skipped: 2,
    })
  })

  it('negative: a nonce Sigil never issued is 401 NONCE_UNKNOWN; one bound to another wallet NONCE_MISMATCH', async () => {
    expectProblem(await attempt({}, { nonce: 'abcdef0123456789abcdef0123456789' }), 401, 'NONCE_UNKNOWN')
    const nonce = await getNonce(server.app, newWallet().address)
    expectProblem(await attempt({}, { nonce }), 401, 'NONCE_MISMATCH')
  })

  it('negative: signed for another deployment name, version, origin or port is 401 DOMAIN_MISMATCH', async () => {
    for (const [overrides, detail] of [
      [{ domain: { name: 'Other Sigil' } }, 'domain_mismatch'],
      [{ domain: { version: '2' } }, 'domain_mismatch'],
      [{ message: { origin: 'https://evil.example' } }, 'origin_mismatch'],
      [{ message: { origin: 'https://app.example:8443' } }, 'origin_mismatch'],
      [{ message: { origin: 'http://app.example' } }, 'origin_mismatch'],
    ] as const) {
      expectProblem(await attempt(overrides), 401, 'DOMAIN_MISMATCH', { fields: { detail } })
    }
  })

  it('negative: a chain outside siweChainIds is 401 CHAIN_NOT_ALLOWED; an allowed other chain works', async () => {
    expectProblem(await attempt({ domain: { chainId: 5 } }), 401, 'CHAIN_NOT_ALLOWED')
    expect((await attempt({ domain: { chainId: 10 } })).statusCode).toBe(201)
  })

  it('negative: expired, issued in the future, or older than a nonce lives: 401', async () => {
    const now = server.clock.now()
    expectProblem(
      await attempt({ message: { issuedAt: iso(now - 60_000), expiresAt: iso(now - 1) } }),
      401,
      'MESSAGE_EXPIRED',
    )
    expectProblem(await attempt({ message: { expiresAt: iso(now - 1) } }), 401, 'MESSAGE_EXPIRED')
    expectProblem(await attempt({ message: { issuedAt: iso(now + 5 * 60_000) } }), 401, 'ISSUED_AT_INVALID')
    expectProblem(await attempt({ message: { issuedAt: iso(now - 3600_000) } }), 401, 'ISSUED_AT_INVALID')
  })

  it('negative: issued before its nonce existed is 401 ISSUED_AT_INVALID', async () => {
    const issuedAt = iso(server.clock.now())
    server.clock.advance(2 * 60_000)
    expectProblem(await attempt({ message: { issuedAt } }), 401, 'ISSUED_AT_INVALID', {
      fields: { detail: 'issued_at_before_nonce' },
    })
  })

  it('negative: an expiry beyond agentKeyMaxDays is 400 AGENT_AUTHORIZATION_INVALID (lifetime_too_long)', async () => {
    const expiresAt = iso(server.clock.now() + 30 * DAY + 1000)
    expectProblem(await attempt({ message: { expiresAt } }), 400, 'AGENT_AUTHORIZATION_INVALID', {
      fields: { detail: 'lifetime_too_long' },
    })
  })

  it('negative: a scope other than read or trade (account: key management) is 400 scope_not_allowed', async () => {
    for (const scope of ['account', 'admin', 'read trade', '']) {
      expectProblem(await attempt({ message: { scope } }), 400, 'AGENT_AUTHORIZATION_INVALID', {
        fields: { detail: 'scope_not_allowed' },
      })
    }
  })

  it('negative: the high-s twin of a valid signature is 401 SIGNATURE_NOT_CANONICAL', async () => {
    expectProblem(await attempt({}, { tamper: highS }), 401, 'SIGNATURE_NOT_CANONICAL')
  })

  it('negative: a signature by another wallet is 401 INVALID_SIGNATURE, and no account is created', async () => {
    expectProblem(await attempt({}, { signer: newWallet() }), 401, 'INVALID_SIGNATURE')
    expect(await server.stores.accounts.findByAddress(wallet.address)).toBeUndefined()
  })

  it('negative: a public key other than the signed thumbprint is 400 agent_key_mismatch, before the nonce is spent', async () => {
    const nonce = await getNonce(server.app)
    const other = await agentKeyPair()
    expectProblem(
      await attempt({}, { nonce, publicKey: other.publicJwk }),
      400,
      'AGENT_AUTHORIZATION_INVALID',
      {
        fields: { detail: 'agent_key_mismatch' },
      },
    )
    expect((await attempt({}, { nonce })).statusCode).toBe(201)
  })

  it('negative: a private JWK is 400 JWK_PRIVATE_KEY, an off-curve one JWK_INVALID, before the nonce is spent', async () => {
    const nonce = await getNonce(server.app)
    const privateJwk = agent.privateKey.export({ format: 'jwk' })
    expectProblem(await attempt({}, { nonce, publicKey: privateJwk }), 400, 'JWK_PRIVATE_KEY')
    const offCurve = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) }
    expectProblem(await attempt({}, { nonce, publicKey: offCurve }), 400, 'JWK_INVALID')
    expect((await attempt({}, { nonce })).statusCode).toBe(201)
  })

  it('negative: a malformed signature, extra members, or a missing body part are 400, never 500', async () => {
    expectProblem(await attempt({}, { tamper: (s) => s.slice(0, 100) }), 400, 'SIGNATURE_MALFORMED')
    const typed = authorization(server, wallet, agent, await getNonce(server.app))
    const signature = await signWithViem(wallet, typed)
    for (const payload of [
      {
        authorization: { ...typed, message: { ...typed.message, extra: 'x' } },
        publicKey: agent.publicJwk,
        signature,
      },
      {
        authorization: { ...typed, domain: { ...typed.domain, verifyingContract: wallet.address } },
        publicKey: agent.publicJwk,
        signature,
      },
      { authorization: typed, signature },
      {
        authorization: { ...typed, domain: { ...typed.domain, chainId: '1' } },
        publicKey: agent.publicJwk,
        signature,
      },
    ]) {
      const response = await server.app.inject({ method: 'POST', url: '/v1/agent-keys', payload })
      expectProblem(response, 400, 'VALIDATION_FAILED')
    }
  })
})
