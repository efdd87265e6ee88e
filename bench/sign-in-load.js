// Sign-ins as a load generator makes them, and the credentials a measured run starts from (an
// access token, an API key): shared by `npm run bench` (run.js, websockets.js) and profile.js.
import { createKeccak } from 'hash-wasm'
import secp256k1 from 'secp256k1'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'

const keccak = await createKeccak(256)

/** EIP-191 personal_sign with native libsecp256k1: the load generator must not be the bottleneck. */
export const signPersonal = (privateKey, message) => {
  const bytes = Buffer.from(message, 'utf8')
  keccak.init()
  keccak.update(Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${bytes.length}`), bytes]))
  const { signature, recid } = secp256k1.ecdsaSign(keccak.digest('binary'), privateKey)
  return `0x${Buffer.from(signature).toString('hex')}${(27 + recid).toString(16)}`
}

/** The EIP-4361 message a dApp builds from Sigil's nonce response. */
export const messageFor = (address, challenge) =>
  createSiweMessage({
    address,
    scheme: challenge.scheme,
    domain: challenge.domain,
    uri: challenge.uri,
    version: '1',
    chainId: challenge.chainIds[0],
    nonce: challenge.nonce,
    issuedAt: new Date(),
  })

/**
 * autocannon's request pair for repeated sign-ins (nonce, then SIWE): each connection signs in
 * again and again with its own wallet (a returning account). `onSignIn(status)` sees each answer.
 */
export function signInRequests(connections, onSignIn = () => {}) {
  const wallets = Array.from({ length: connections }, () => {
    const key = generatePrivateKey()
    return { address: privateKeyToAccount(key).address, privateKey: Buffer.from(key.slice(2), 'hex') }
  })
  let next = 0
  return [
    {
      method: 'POST',
      path: '/v1/auth/nonce',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      setupRequest: (request, context) => {
        context.wallet ??= wallets[next++ % wallets.length]
        return request
      },
      onResponse: (status, body, context) => {
        context.challenge = status === 200 ? JSON.parse(body) : undefined
      },
    },
    {
      method: 'POST',
      path: '/v1/auth/siwe',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request, { wallet, challenge }) => {
        // The nonce request failed (counted as non-2xx): this one fails too, as an empty body.
        if (!challenge) return { ...request, body: '{}' }
        const message = messageFor(wallet.address, challenge)
        return {
          ...request,
          body: JSON.stringify({ message, signature: signPersonal(wallet.privateKey, message) }),
        }
      },
      onResponse: (status) => onSignIn(status),
    },
  ]
}

/** A fresh wallet's access token (one sign-in, before a measured run). */
export async function accessTokenOf(url) {
  const wallet = privateKeyToAccount(generatePrivateKey())
  const nonce = await fetch(`${url}/v1/auth/nonce`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  const message = messageFor(wallet.address, await nonce.json())
  const signIn = await fetch(`${url}/v1/auth/siwe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message, signature: await wallet.signMessage({ message }) }),
  })
  return (await signIn.json()).accessToken
}

/** A new API key of the access token's account (`fields`: name, scope, publicKey…): the response body. */
export async function createApiKey(url, accessToken, fields) {
  const created = await fetch(`${url}/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(fields),
  })
  if (!created.ok) throw new Error(`api key: ${created.status}`)
  return created.json()
}
