import { type Static, Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import { JWKS_MAX_AGE_SECONDS } from '../../../core/tokens/create-key-ring.js'
import { requestContext } from '../../plugins/request-context.js'
import type { ParadexContext } from './settings.js'
import { paradexSubkeyRoutes } from './subkey-routes.js'
import { paradexSystemConfig } from './system-config.js'
import { paradexUpstreamProxy } from './upstream-proxy.js'

const tags = ['paradex']
/** Unauthenticated routes that run synchronous curve and Pedersen work: their own, smaller budget. */
const starknetWork = { auth: 'public', rateLimit: 'starknet' } as const

/**
 * Onboarding body: `public_key` (a stark key, or v2's uncompressed secp256k1 key) and
 * `referral_code` (an invite code when invites are required); marketing fields are ignored.
 */
const OnboardingBody = Type.Object(
  {
    public_key: Type.Optional(Type.String({ maxLength: 140 })),
    referral_code: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: true },
)
const OnboardingQuery = Type.Object(
  {
    account_signer_type: Type.Optional(Type.String({ maxLength: 20 })),
    public_key: Type.Optional(Type.String({ maxLength: 100 })),
    eth_address: Type.Optional(Type.String({ maxLength: 100 })),
    vault_operator_index: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: true },
)
const PublicKeyParams = Type.Object({ publicKey: Type.String({ maxLength: 100 }) })

/**
 * A header as one string. Node joins a repeated custom header with ", " (which then fails parsing
 * as an account, a signature or a timestamp); the array case is for headers Node keeps apart.
 */
function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  if (Array.isArray(value)) throw new AuthError('VALIDATION_FAILED', 'repeated header', { detail: name })
  return value
}

const authHeaders = (request: FastifyRequest) => ({
  account: header(request, 'paradex-starknet-account'),
  signature: header(request, 'paradex-starknet-signature'),
  timestamp: header(request, 'paradex-timestamp'),
  expiration: header(request, 'paradex-signature-expiration'),
  authorizeIsolatedMarkets: header(request, 'paradex-authorize-isolated-markets'),
})

const evmHeaders = (request: FastifyRequest) => ({
  account: header(request, 'paradex-starknet-account'),
  signature: header(request, 'paradex-evm-signature'),
  message: header(request, 'paradex-siwe-message'),
})

/**
 * The Paradex dialect (Starknet half): system config, onboarding and `/v1/auth`. Handlers read
 * headers and render; parsing, the time window, address derivation and signatures are core's.
 * The auth body is never read: it is not signed (the typed data always has `body: ""`).
 */
export async function paradexRoutes(app: FastifyInstance, context: ParadexContext) {
  const { gateway, settings, services: paradex, policy } = context
  await app.register(paradexUpstreamProxy, { settings, policy })
  const systemConfig = paradexSystemConfig(settings)
  await paradexSubkeyRoutes(app, context)

  // Open to blocked countries (geo: 'open'), as the other public documents: it is static configuration.
  app.get(
    '/v1/system/config',
    { config: { auth: 'public', geo: 'open' }, schema: { tags } },
    async () => systemConfig,
  )

  app.post<{ Body: Static<typeof OnboardingBody> | undefined }>(
    '/v1/onboarding',
    { config: starknetWork, schema: { tags, body: Type.Optional(OnboardingBody) } },
    async (request, reply) => {
      await paradex.onboard({
        account: header(request, 'paradex-starknet-account'),
        signature: header(request, 'paradex-starknet-signature'),
        ethAddress: header(request, 'paradex-ethereum-account'),
        publicKey: request.body?.public_key,
        referralCode: request.body?.referral_code,
      })
      // Paradex answers an empty 200; ccxt and paradex-py both accept it.
      return reply.code(200).send()
    },
  )

  app.get<{
    Querystring: Static<typeof OnboardingQuery>
  }>(
    '/v1/onboarding',
    { config: starknetWork, schema: { tags, querystring: OnboardingQuery } },
    async (request) => {
      const { query } = request
      if (query.account_signer_type === 'starknet') {
        const { address, exists } = await paradex.status(query.public_key)
        return {
          account_signer_type: 'starknet',
          address,
          exists,
          derivation_info: {
            class_hash: settings.accountClassHash,
            proxy_class_hash: settings.proxyClassHash,
          },
        }
      }
      if (query.account_signer_type === 'eip191') {
        // Sigil has no vault operators: only the plain EIP-191 account derives here.
        if (query.vault_operator_index !== undefined) {
          throw new AuthError('VALIDATION_FAILED', 'vault operators', { detail: 'vault_operator_index' })
        }
        const { address, exists } = await paradex.evmStatus(query.eth_address)
        return {
          account_signer_type: 'eip191',
          address,
          exists,
          derivation_info: { class_hash: settings.evmAccountClassHash },
        }
      }
      throw new AuthError('VALIDATION_FAILED', 'signer type', { detail: 'account_signer_type' })
    },
  )

  // Paradex §7: v2 is served at /v2/… and, as the rendered docs spell it, at /v1/v2/….
  for (const base of ['/v2', '/v1/v2']) {
    app.post<{ Body: Static<typeof OnboardingBody> | undefined }>(
      `${base}/onboarding`,
      { config: starknetWork, schema: { tags, body: Type.Optional(OnboardingBody) } },
      async (request, reply) => {
        await paradex.onboardEvm({
          ...evmHeaders(request),
          publicKey: request.body?.public_key,
          referralCode: request.body?.referral_code,
        })
        return reply.code(200).send()
      },
    )
    app.post(`${base}/auth`, { config: starknetWork, schema: { tags } }, async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const issued = await paradex.signInEvm(
        {
          ...evmHeaders(request),
          authorizeIsolatedMarkets: header(request, 'paradex-authorize-isolated-markets'),
        },
        requestContext(request),
      )
      return { jwt_token: issued.token }
    })
  }

  app.get(
    '/v1/jwks.json',
    { config: { auth: 'public', rateLimit: 'none', geo: 'open' }, schema: { tags } },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
      return gateway.jwks()
    },
  )

  const auth = async (request: FastifyRequest, publicKey?: string) => {
    const issued = await paradex.signIn(
      { ...authHeaders(request), ...(publicKey === undefined ? {} : { publicKey }) },
      requestContext(request),
    )
    return { jwt_token: issued.token }
  }

  app.post('/v1/auth', { config: starknetWork, schema: { tags } }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return auth(request)
  })

  app.post<{ Params: { publicKey: string } }>(
    '/v1/auth/:publicKey',
    { config: starknetWork, schema: { tags, params: PublicKeyParams } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return auth(request, request.params.publicKey)
    },
  )
}
