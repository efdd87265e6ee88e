// Sign a fresh wallet in to a running Sigil, as a dApp would: nonce → EIP-4361 message →
// personal_sign → tokens → /me → refresh → logout.   Usage: node examples/sign-in.mjs [base-url]
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage } from 'viem/siwe'

const base = process.argv[2] ?? 'http://localhost:8080'
const post = async (path, body, token) => {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: response.status, body: response.status === 204 ? null : await response.json() }
}

const wallet = privateKeyToAccount(generatePrivateKey())
const { body: challenge } = await post('/v1/auth/nonce', { address: wallet.address })
const message = createSiweMessage({
  address: wallet.address,
  // EIP-4361: no scheme means https, so a plain-http deployment needs it spelled out.
  ...(challenge.scheme === 'http' ? { scheme: 'http' } : {}),
  domain: challenge.domain,
  uri: challenge.uri,
  chainId: challenge.chainIds[0],
  nonce: challenge.nonce,
  version: '1',
  statement: 'Sign in to the venue.',
  issuedAt: new Date(),
})
const signature = await wallet.signMessage({ message })
const signIn = await post('/v1/auth/siwe', { message, signature })
console.log('sign-in', signIn.status, signIn.body.account ?? signIn.body)
const replay = await post('/v1/auth/siwe', { message, signature })
console.log('replay ', replay.status, replay.body.code)

const me = await fetch(`${base}/v1/auth/me`, {
  headers: { authorization: `Bearer ${signIn.body.accessToken}` },
})
console.log('me     ', me.status, await me.json())
const refreshed = await post('/v1/auth/refresh', { refreshToken: signIn.body.refreshToken })
console.log('refresh', refreshed.status)
const reuse = await post('/v1/auth/refresh', { refreshToken: signIn.body.refreshToken })
console.log('reuse  ', reuse.status, reuse.body.code)
const after = await fetch(`${base}/v1/auth/me`, {
  headers: { authorization: `Bearer ${refreshed.body.accessToken}` },
})
console.log('me after reuse', after.status, (await after.json()).code)
