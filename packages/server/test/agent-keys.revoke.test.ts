import { Wallet } from 'ethers'
import { beforeEach, describe, expect, it } from 'vitest'
import { postRevocation, revocation, signWithEthers, signWithViem } from './support/agent-keys.js'
import {
  createKey,
  listKeys,
  type SignedIn,
  signedIn,
  useKey,
  useSignedInServer,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import type { TestServer } from './support/test-server.js'
import { getNonce, newWallet } from './support/wallet.js'

/**
 * POST /v1/agent-keys/revoke: the wallet revokes a key of its account with an EIP-712 signature,
 * no session needed. Shown here on ordinary keys (the wallet owns every key of its account);
 * agent-keys.signed-requests.test.ts revokes an agent key and sees its signed requests refused.
 */
describe('POST /v1/agent-keys/revoke', () => {
  let server: TestServer
  let owner: SignedIn
  let key: { id: string; secret: string }
  useSignedInServer((started) => ({ server, owner } = started))
  beforeEach(async () => {
    key = await createKey(server, owner)
  })

  it('default: the wallet’s signature revokes the key at once, and the audit log says who', async () => {
    expect((await useKey(server, key.secret)).statusCode).toBe(200)
    const typed = revocation(server, owner.wallet, key.id, await getNonce(server.app))
    const response = await postRevocation(server, typed, await signWithViem(owner.wallet, typed))
    expect(response.statusCode).toBe(204)
    expectProblem(await useKey(server, key.secret), 401, 'API_KEY_REVOKED')
    expect((await listKeys(server, owner)).json().apiKeys[0].status).toBe('revoked')
    const events = await server.stores.audit.query({ accountId: owner.accountId, limit: 20 })
    expect(events.find((e) => e.type === 'agent_key.revoked')?.detail).toEqual({
      key: key.id,
      by: 'wallet_signature',
    })
  })

  it('default: ethers Wallet.signTypedData revokes too', async () => {
    const wallet = Wallet.createRandom()
    // Signed in with ethers too (personal_sign), for a key to revoke.
    const asSigner = {
      address: wallet.address,
      signMessage: ({ message }: { message: string }) => wallet.signMessage(message),
    }
    const session = await signedIn(server, asSigner as unknown as Parameters<typeof signedIn>[1])
    const own = await createKey(server, session)
    const typed = revocation(server, wallet, own.id, await getNonce(server.app))
    expect((await postRevocation(server, typed, await signWithEthers(wallet, typed))).statusCode).toBe(204)
    expectProblem(await useKey(server, own.secret), 401, 'API_KEY_REVOKED')
  })

  it('negative: a replayed revocation is 401 NONCE_USED', async () => {
    const typed = revocation(server, owner.wallet, key.id, await getNonce(server.app))
    const signature = await signWithViem(owner.wallet, typed)
    expect((await postRevocation(server, typed, signature)).statusCode).toBe(204)
    expectProblem(await postRevocation(server, typed, signature), 401, 'NONCE_USED')
  })

  it('negative: signed by another wallet for the owner’s address is 401 INVALID_SIGNATURE; the key lives', async () => {
    const typed = revocation(server, owner.wallet, key.id, await getNonce(server.app))
    expectProblem(
      await postRevocation(server, typed, await signWithViem(newWallet(), typed)),
      401,
      'INVALID_SIGNATURE',
    )
    expect((await useKey(server, key.secret)).statusCode).toBe(200)
  })

  it('negative: another wallet revoking, in its own name, a key of this account is 404 API_KEY_NOT_FOUND', async () => {
    const stranger = newWallet()
    // With an account of its own, and without one.
    for (const signIn of [false, true]) {
      if (signIn) await signedIn(server, stranger)
      const typed = revocation(server, stranger, key.id, await getNonce(server.app))
      expectProblem(
        await postRevocation(server, typed, await signWithViem(stranger, typed)),
        404,
        'API_KEY_NOT_FOUND',
      )
    }
    expect((await useKey(server, key.secret)).statusCode).toBe(200)
  })

  it('negative: another deployment’s domain or origin, or a stale issuedAt, are refused before the nonce', async () => {
    const nonce = await getNonce(server.app)
    for (const [overrides, code] of [
      [{ domain: { name: 'Other' } }, 'DOMAIN_MISMATCH'],
      [{ message: { origin: 'https://evil.example' } }, 'DOMAIN_MISMATCH'],
      [{ domain: { chainId: 5 } }, 'CHAIN_NOT_ALLOWED'],
      [{ message: { issuedAt: new Date(server.clock.now() - 3600_000).toISOString() } }, 'ISSUED_AT_INVALID'],
    ] as const) {
      const typed = revocation(server, owner.wallet, key.id, nonce, overrides)
      expectProblem(await postRevocation(server, typed, await signWithViem(owner.wallet, typed)), 401, code)
    }
    // The nonce was not spent by any of them.
    const typed = revocation(server, owner.wallet, key.id, nonce)
    expect((await postRevocation(server, typed, await signWithViem(owner.wallet, typed))).statusCode).toBe(
      204,
    )
  })

  it('negative: an authorization posted to the revoke route is 400, never a revocation', async () => {
    const typed = revocation(server, owner.wallet, key.id, await getNonce(server.app))
    const payload = {
      revocation: { ...typed, message: { ...typed.message, scope: 'read' } },
      signature: '0x00',
    }
    expectProblem(
      await server.app.inject({ method: 'POST', url: '/v1/agent-keys/revoke', payload }),
      400,
      'VALIDATION_FAILED',
    )
  })
})
