import type { Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import type { Address } from '../../../core/ports.js'
import { isCrossSiteBrowserRequest } from '../../plugins/csrf.js'
import { bodyDefaultsToEmptyObject } from '../../plugins/optional-body.js'
import { requestContext } from '../../plugins/request-context.js'
import { clearSessionCookie, setSessionCookie } from '../../plugins/session-cookie.js'
import type { DialectContext } from '../define-dialect.js'
import { ocxSessionCookie } from './cookie.js'
import {
  OcxApiKeyList,
  OcxCreateApiKeyRequest,
  OcxCreatedApiKey,
  OcxKeyIdParams,
  OcxLogoutRequest,
  OcxMeResponse,
  OcxNonceRequest,
  OcxNonceResponse,
  OcxRedeemInviteRequest,
  OcxSiweRequest,
  OcxUser,
  ocxErrorResponses,
} from './schemas.js'
import type { OcxSettings } from './settings.js'
import {
  fromOcxKeyId,
  toNewApiKeyRequest,
  toOcxCreatedKey,
  toOcxKey,
  toOcxUser,
  toSiweProof,
} from './wire.js'

export type OcxContext = DialectContext<Static<typeof OcxSettings>, undefined>

const tags = ['ocx']
const signIn = { auth: 'public', rateLimit: 'sign-in' } as const
// Credential management needs `account`, which only a wallet sign-in holds: never an API key.
const manage = { auth: { scopes: ['account'] as const } }
const session = [{ bearer: [] }]

/**
 * The OCX dialect: OCX's routes and bodies over the same core services as the native API. Each
 * handler parses, calls the gateway, renders; the rules (binding, nonces, scopes, CSRF) are not here.
 */
export async function ocxRoutes(app: FastifyInstance, { gateway, config, settings }: OcxContext) {
  const api = gateway.signIn('ocx')
  const cookie = ocxSessionCookie(settings)
  // Every OCX route reads the OCX cookie first (see the identification hook).
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, sessionCookie: cookie.name }
  })

  app.post<{ Body: OcxNonceRequest }>(
    '/auth/nonce',
    {
      config: signIn,
      schema: { tags, body: OcxNonceRequest, response: { 200: OcxNonceResponse, ...ocxErrorResponses } },
    },
    async (request, reply) => {
      // Bound to the wallet: the nonce signs in only that address (NONCE_MISMATCH otherwise).
      const challenge = await api.issueNonce(request.body.walletAddress as Address)
      reply.header('cache-control', 'no-store')
      return { nonce: challenge.nonce }
    },
  )

  app.post<{ Body: OcxSiweRequest }>(
    '/auth/siwe',
    {
      config: signIn,
      schema: { tags, body: OcxSiweRequest, response: { 200: OcxUser, ...ocxErrorResponses } },
    },
    async (request, reply) => {
      // Login CSRF: this sign-in sets a cookie, so another site must not be able to trigger it.
      if (isCrossSiteBrowserRequest(request.headers, config.allowedOrigins)) {
        throw new AuthError('CSRF_REJECTED', 'cross-site cookie sign-in (login CSRF)')
      }
      const issued = await api.signInForCookie(toSiweProof(request.body), requestContext(request))
      setSessionCookie(reply, cookie, issued.cookieValue, issued.expiresAt, gateway.now())
      reply.header('cache-control', 'no-store')
      return toOcxUser(issued.account)
    },
  )

  app.get(
    '/auth/me',
    // `optional`: OCX answers `null` with 200, never 401, when nobody (or a refused credential) calls.
    {
      config: { auth: 'optional' },
      schema: { tags, security: session, response: { 200: OcxMeResponse, ...ocxErrorResponses } },
    },
    async (request, reply) => {
      // Who is signed in, read with a cookie: no cache between the browser and us may keep it.
      reply.header('cache-control', 'no-store')
      if (!request.identity) return null
      return toOcxUser(await gateway.account.find(request.identity))
    },
  )

  app.post<{ Body: OcxLogoutRequest | undefined }>(
    '/auth/logout',
    {
      config: manage,
      preValidation: bodyDefaultsToEmptyObject,
      schema: {
        tags,
        security: session,
        body: OcxLogoutRequest,
        response: { 204: { type: 'null' }, ...ocxErrorResponses },
      },
    },
    async (request, reply) => {
      const identity = request.identity!
      if (request.body?.all) await gateway.account.logoutAll(identity, request.ip)
      else await gateway.account.logout(identity, request.ip)
      if (request.sessionCookie) clearSessionCookie(reply, request.sessionCookie)
      return reply.code(204).send()
    },
  )

  app.post<{ Body: OcxRedeemInviteRequest }>(
    '/auth/redeem-invite',
    {
      config: manage,
      schema: {
        tags,
        security: session,
        body: OcxRedeemInviteRequest,
        response: { 204: { type: 'null' }, ...ocxErrorResponses },
      },
    },
    async (request, reply) => {
      await gateway.account.redeemInvite(request.identity!, request.body.code, request.ip)
      return reply.code(204).send()
    },
  )

  app.get(
    '/perps/me/api-keys',
    {
      config: manage,
      schema: { tags, security: session, response: { 200: OcxApiKeyList, ...ocxErrorResponses } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return { keys: (await gateway.account.listApiKeys(request.identity!)).map(toOcxKey) }
    },
  )

  app.post<{ Body: OcxCreateApiKeyRequest }>(
    '/perps/me/api-keys',
    {
      config: manage,
      schema: {
        tags,
        security: session,
        body: OcxCreateApiKeyRequest,
        response: { 201: OcxCreatedApiKey, ...ocxErrorResponses },
      },
    },
    async (request, reply) => {
      const created = await gateway.account.createApiKey(
        request.identity!,
        toNewApiKeyRequest(request.body),
        request.ip,
      )
      reply.header('cache-control', 'no-store')
      return reply.code(201).send(toOcxCreatedKey(created))
    },
  )

  app.delete<{ Params: OcxKeyIdParams }>(
    '/perps/me/api-keys/:id',
    {
      config: manage,
      schema: {
        tags,
        security: session,
        params: OcxKeyIdParams,
        response: { 204: { type: 'null' }, ...ocxErrorResponses },
      },
    },
    async (request, reply) => {
      await gateway.account.revokeApiKey(request.identity!, fromOcxKeyId(request.params.id), request.ip)
      return reply.code(204).send()
    },
  )
}
