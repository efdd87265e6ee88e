import type { FastifyInstance } from 'fastify'
import { signatureHeader } from './paradex-signer.js'
import { A2 } from './paradex-vectors.js'

export const PARADEX = '/paradex'

type Signer = { account: string; publicKey: string; onboarding: { r: bigint; s: bigint } }
type Auth = { timestamp: number; expiration: number; r: bigint; s: bigint }

/** `POST /v1/onboarding` as ccxt sends it. */
export const onboard = (
  app: FastifyInstance,
  signer: Signer = A2,
  options: { publicKey?: string; headers?: Record<string, string> } = {},
) =>
  app.inject({
    method: 'POST',
    url: `${PARADEX}/v1/onboarding`,
    headers: {
      accept: 'application/json',
      'paradex-partner': 'CCXT',
      'paradex-ethereum-account': A2.ethAddress,
      'paradex-starknet-account': signer.account,
      'paradex-starknet-signature': signatureHeader(signer.onboarding),
      'paradex-timestamp': '1700000000',
      'content-type': 'application/json',
      ...options.headers,
    },
    payload: JSON.stringify({ public_key: options.publicKey ?? signer.publicKey }),
  })

/** `POST /v1/auth` as ccxt sends it: no body, no content type. */
export const paradexAuth = (
  app: FastifyInstance,
  account: string = A2.account,
  auth: Auth = A2.auth,
  overrides: Record<string, string> = {},
  path = '/v1/auth',
) =>
  app.inject({
    method: 'POST',
    url: `${PARADEX}${path}`,
    headers: {
      accept: 'application/json',
      'paradex-starknet-account': account,
      'paradex-starknet-signature': signatureHeader(auth),
      'paradex-timestamp': `${auth.timestamp}`,
      'paradex-signature-expiration': `${auth.expiration}`,
      ...overrides,
    },
  })

export const decodeJwt = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>
