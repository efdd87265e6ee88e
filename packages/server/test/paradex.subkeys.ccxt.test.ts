import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ccxtParadex, type LiveSigil, listenSigil, rejectionOf } from './support/ccxt-paradex.js'
import { decodeJwt } from './support/paradex-client.js'
import { paradexSubkeySigner, signatureHeader } from './support/paradex-signer.js'

/** Hardhat #0 (vector A2), as in paradex.ccxt.test.ts. */
const HARDHAT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const SUB_KEY = '0x7a1d5e8c3b2f4a6d9e0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b0a1e3'

type Implicit = Record<string, (params?: Record<string, unknown>) => Promise<unknown>>

/**
 * Unmodified ccxt 4.5.84 as the subkey manager: its implicit private endpoints
 * (`privatePostAccountKeysSubkeys`, …) with the main key's JWT from `authenticateRest()`; the
 * subkey then signs in as paradex-py would (starknet.js), and ccxt carrying its JWT is refused.
 */
describe('Paradex subkeys through unmodified ccxt', () => {
  let sigil: LiveSigil
  beforeEach(async () => {
    sigil = await listenSigil()
  })
  afterEach(() => sigil.close())

  const mainClient = async () => {
    const wallet = new Wallet(HARDHAT_0)
    const { exchange } = ccxtParadex(sigil, { walletAddress: wallet.address, privateKey: HARDHAT_0 })
    await exchange.onboarding()
    await exchange.authenticateRest()
    const account = (exchange.options as { paradexAccount: { address: string } }).paradexAccount
    return { exchange, api: exchange as unknown as Implicit, account: account.address }
  }

  /** paradex-py's SubkeyAccount auth: `/v1/auth/{subkey}`, the main account, the subkey's signature. */
  const subkeyAuth = async (sub: ReturnType<typeof paradexSubkeySigner>) => {
    const now = Math.floor(Date.now() / 1000)
    const signed = sub.auth(now, now + 86_400)
    return fetch(`${sigil.paradex}/v1/auth/${sub.publicKey}`, {
      method: 'POST',
      headers: {
        'PARADEX-STARKNET-ACCOUNT': sub.account,
        'PARADEX-STARKNET-SIGNATURE': signatureHeader(signed),
        'PARADEX-TIMESTAMP': `${signed.timestamp}`,
        'PARADEX-SIGNATURE-EXPIRATION': `${signed.expiration}`,
      },
    })
  }

  it('behavior: ccxt registers, lists and revokes a subkey with the main JWT; the subkey signs in between', async () => {
    const { api, account } = await mainClient()
    const sub = paradexSubkeySigner(SUB_KEY, account)
    await api.privatePostAccountKeysSubkeys!({ name: 'ccxt bot', public_key: sub.publicKey })
    const listed = (await api.privateGetAccountKeysSubkeys!()) as {
      results: { public_key: string; state: string }[]
    }
    expect(listed.results).toEqual([expect.objectContaining({ public_key: sub.publicKey, state: 'active' })])

    const signedIn = await subkeyAuth(sub)
    expect(signedIn.status).toBe(200)
    const { jwt_token } = (await signedIn.json()) as { jwt_token: string }
    expect(decodeJwt(jwt_token)).toMatchObject({ sub: account, subkey: sub.publicKey })

    const revoked = await api.privateDeleteAccountKeysSubkeysPublicKey!({ public_key: sub.publicKey })
    expect(revoked).toEqual({ public_key: sub.publicKey })
    expect((await subkeyAuth(sub)).status).toBe(400)
  })

  it('attack: ccxt carrying a subkey JWT cannot manage subkeys (an exchange error, nothing registered)', async () => {
    const { api, account } = await mainClient()
    const sub = paradexSubkeySigner(SUB_KEY, account)
    await api.privatePostAccountKeysSubkeys!({ name: 'bot', public_key: sub.publicKey })
    const { jwt_token } = (await (await subkeyAuth(sub)).json()) as { jwt_token: string }

    const wallet = new Wallet(HARDHAT_0)
    const { exchange: asSubkey } = ccxtParadex(sigil, {
      walletAddress: wallet.address,
      privateKey: HARDHAT_0,
    })
    Object.assign(asSubkey.options, { authToken: jwt_token, expires: Math.floor(Date.now() / 1000) + 300 })
    const other = paradexSubkeySigner(`0x${'5'.repeat(62)}`, account)
    const error = await rejectionOf(
      (asSubkey as unknown as Implicit).privatePostAccountKeysSubkeys!({
        name: 'mine',
        public_key: other.publicKey,
      }),
    )
    expect(error.message).toContain('INVALID_TOKEN_SCOPE')
    const listed = (await api.privateGetAccountKeysSubkeys!()) as { results: { public_key: string }[] }
    expect(listed.results.map((s) => s.public_key)).toEqual([sub.publicKey])
  })
})
