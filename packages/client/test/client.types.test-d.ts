/**
 * Type tests, checked by `tsc -p tsconfig.tests.json` (part of `npm test`): a mismatch here is a
 * compile error. Not run by vitest (nothing happens at run time).
 */
import { createWalletClient, custom, type WalletClient } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { expectTypeOf } from 'vitest'
import { WebSocket as WS } from 'ws'
import {
  type ApiKey,
  type ApiKeyWithSecret,
  type CookieSignIn,
  createSigilClient,
  createSigilSocket,
  type Eip1193Provider,
  type EthereumSigner,
  type HmacApiKey,
  isSigilError,
  type Me,
  type ServerErrorCode,
  type Session,
  type SigilError,
  type SigilRequestSigner,
  type SigilSocketOptions,
  type SigningApiKey,
  type SocketEnd,
  type StoredTokens,
  type TokenSignIn,
} from '../src/index.js'
import { createRequestSigner } from '../src/signer/index.js'

const client = createSigilClient({ baseUrl: 'http://localhost:8080' })
const account = privateKeyToAccount(`0x${'11'.repeat(32)}`)

// A server code narrows to the known union (one list, in protocol); any other string is still accepted.
expectTypeOf<'TOKEN_EXPIRED'>().toExtend<ServerErrorCode>()
expectTypeOf<'NO_SUCH_CODE'>().not.toExtend<ServerErrorCode>()

// Signers: a viem LocalAccount, a viem WalletClient, an EIP-1193 provider; not just any object.
expectTypeOf<LocalAccount>().toExtend<EthereumSigner>()
expectTypeOf<WalletClient>().toExtend<EthereumSigner>()
expectTypeOf(
  createWalletClient({ account, transport: custom({ request: async () => null }) }),
).toExtend<EthereumSigner>()
expectTypeOf<Eip1193Provider>().toExtend<EthereumSigner>()
expectTypeOf<{ address: string }>().not.toExtend<EthereumSigner>()

// The credential chosen decides what a sign-in returns.
expectTypeOf(client.signInWithEthereum(account)).resolves.toEqualTypeOf<TokenSignIn>()
expectTypeOf(
  client.signInWithEthereum(account, { credential: 'token' }),
).resolves.toEqualTypeOf<TokenSignIn>()
expectTypeOf(
  client.signInWithEthereum(account, { credential: 'session' }),
).resolves.toEqualTypeOf<CookieSignIn>()
expectTypeOf<TokenSignIn['tokens']>().toEqualTypeOf<StoredTokens>()

expectTypeOf(client.me()).resolves.toEqualTypeOf<Me>()
expectTypeOf(client.refresh()).resolves.toEqualTypeOf<StoredTokens>()
expectTypeOf(client.apiKeys.create).parameter(0).toHaveProperty('scope').toEqualTypeOf<'read' | 'trade'>()
expectTypeOf(client.apiKeys.create({ name: 'bot', scope: 'read' })).resolves.toEqualTypeOf<ApiKeyWithSecret>()
expectTypeOf(client.apiKeys.list()).resolves.toEqualTypeOf<ApiKey[]>()
// With a public key: a signing key, and no secret in the answer's type.
const publicKey = { kty: 'OKP', crv: 'Ed25519', x: 'x' } as const
expectTypeOf(
  client.apiKeys.create({ name: 'bot', scope: 'trade', publicKey }),
).resolves.toEqualTypeOf<SigningApiKey>()
expectTypeOf<SigningApiKey>().not.toHaveProperty('secret')
expectTypeOf(client.apiKeys.rotate('id', { publicKey })).resolves.toEqualTypeOf<SigningApiKey>()
expectTypeOf(client.apiKeys.rotate('id')).resolves.toEqualTypeOf<ApiKeyWithSecret>()
expectTypeOf(
  client.apiKeys.create({ name: 'b', scope: 'read', alg: 'hmac-sha256' }),
).resolves.toEqualTypeOf<HmacApiKey>()
// A signer from the opt-in entry fits the client's option.
expectTypeOf(createRequestSigner).returns.toExtend<SigilRequestSigner>()
expectTypeOf<ApiKey>().not.toHaveProperty('secret')
expectTypeOf(client.apiKeys.revoke('id')).resolves.toBeVoid()
expectTypeOf(client.sessions.list()).resolves.toEqualTypeOf<Session[]>()

// Errors: known codes autocomplete, unknown ones (a newer server) still type-check.
expectTypeOf<SigilError['status']>().toEqualTypeOf<number | undefined>()
expectTypeOf<'TOKEN_EXPIRED'>().toExtend<SigilError['code']>()
expectTypeOf<'A_CODE_FROM_A_NEWER_SERVER'>().toExtend<SigilError['code']>()
declare const caught: unknown
if (isSigilError(caught, 'RATE_LIMITED')) expectTypeOf(caught).toEqualTypeOf<SigilError>()

// The WebSocket helper: the ws package's constructor (Node 20) fits as it is; the socket is either a
// client's or a bare URL's (with an optional API key), never both.
const socket = createSigilSocket({ client, WebSocket: WS })
createSigilSocket({ baseUrl: 'http://localhost:8080', apiKey: 'sgl_sk_…', WebSocket: WS })
expectTypeOf<{ client: typeof client; baseUrl: string }>().not.toExtend<SigilSocketOptions>()
expectTypeOf<{ WebSocket: typeof WS }>().not.toExtend<SigilSocketOptions>()
const unsubscribe = socket.subscribe('public:trades', (data, channel) => {
  expectTypeOf(data).toBeUnknown()
  expectTypeOf(channel).toBeString()
})
expectTypeOf(unsubscribe).toBeCallableWith()
expectTypeOf(unsubscribe.ready).resolves.toBeVoid()
socket.on('closed', (code, reason, willReconnect) => {
  expectTypeOf(code).toBeNumber()
  expectTypeOf(reason).toBeString()
  expectTypeOf(willReconnect).toBeBoolean()
})
socket.on('error', (error) => expectTypeOf(error.code).toExtend<SigilError['code']>())
expectTypeOf(socket.ended).resolves.toEqualTypeOf<SocketEnd>()
