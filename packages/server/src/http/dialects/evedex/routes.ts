import type { Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { bodyDefaultsToEmptyObject } from '../../plugins/optional-body.js'
import { requestContext } from '../../plugins/request-context.js'
import type { DialectContext } from '../define-dialect.js'
import {
  ApiKeyCreateBody,
  ApiKeyList,
  ApiKeyListQuery,
  ApiKeySecret,
  Auth,
  CookieQuery,
  Empty,
  errorResponses,
  IdParams,
  NonceResponse,
  PageQuery,
  RefreshBody,
  SessionList,
  SignUpBody,
  User,
} from './schemas.js'
import type { EvedexSettings } from './settings.js'
import {
  refreshTokenOf,
  signUpProof,
  toApiKeyList,
  toApiKeySecret,
  toAuth,
  toNewApiKey,
  toSessionList,
  toUser,
} from './wire.js'

const signIn = { auth: 'public', rateLimit: 'sign-in' } as const
// Reads take any credential with `read` (an EVEDEX x-api-key too); managing sessions and keys
// needs `account`, which only a wallet sign-in holds: an API key can never mint or list keys.
const read = { auth: { scopes: ['read'] } } as const
const manage = { auth: { scopes: ['account'] } } as const
const tags = ['evedex']
const bearer = [{ bearer: [] }, { apiKey: [] }]
const bearerOnly = [{ bearer: [] }]

/** Responses carrying tokens or key secrets must not be cached anywhere (RFC 6749 §5.1). */
const noStore = <T>(reply: FastifyReply, body: T): T => {
  reply.header('cache-control', 'no-store')
  return body
}

/**
 * The EVEDEX auth API (auth-api.evedex.com) over Sigil's core: each handler maps the request to a
 * core call and the result to EVEDEX's body. Mounted under `evedex.prefix`; see docs/dialects.md.
 */
export async function evedexRoutes(
  app: FastifyInstance,
  { gateway }: DialectContext<Static<typeof EvedexSettings>, undefined>,
) {
  const evedex = gateway.signIn('evedex')

  app.get(
    '/auth/nonce',
    { config: signIn, schema: { tags, response: { 200: NonceResponse, ...errorResponses } } },
    async (_request, reply) => noStore(reply, { nonce: (await evedex.issueNonce()).nonce }),
  )

  app.post<{ Body: SignUpBody }>(
    '/auth/user/sign-up',
    {
      config: signIn,
      schema: {
        tags,
        querystring: CookieQuery,
        body: SignUpBody,
        response: { 200: Auth, ...errorResponses },
      },
    },
    async (request, reply) =>
      noStore(reply, toAuth(await evedex.signIn(signUpProof(request.body), requestContext(request)))),
  )

  // Public on purpose: the Bearer here is a refresh token, read by the handler, not an access credential.
  app.post(
    '/auth/refresh',
    {
      config: signIn,
      preValidation: bodyDefaultsToEmptyObject,
      schema: {
        tags,
        querystring: CookieQuery,
        body: RefreshBody,
        response: { 200: Auth, ...errorResponses },
      },
    },
    async (request, reply) => noStore(reply, toAuth(await evedex.refresh(refreshTokenOf(request)))),
  )

  app.get(
    '/auth/user/me',
    { config: read, schema: { tags, security: bearer, response: { 200: User, ...errorResponses } } },
    async (request, reply) => noStore(reply, toUser(await gateway.account.find(request.identity!))),
  )

  app.post(
    '/auth/user/logout',
    { config: manage, schema: { tags, security: bearerOnly, response: { 200: Empty, ...errorResponses } } },
    async (request) => {
      await gateway.account.logout(request.identity!, request.ip)
      return {}
    },
  )

  app.get<{ Querystring: PageQuery }>(
    '/auth/user/sessions',
    {
      config: manage,
      schema: {
        tags,
        security: bearerOnly,
        querystring: PageQuery,
        response: { 200: SessionList, ...errorResponses },
      },
    },
    async (request, reply) =>
      noStore(reply, toSessionList(await gateway.account.listSessions(request.identity!), request.query)),
  )

  app.post<{ Body: ApiKeyCreateBody }>(
    '/auth/api-key',
    {
      config: manage,
      schema: {
        tags,
        security: bearerOnly,
        body: ApiKeyCreateBody,
        response: { 200: ApiKeySecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const wanted = toNewApiKey(request.body, gateway.now())
      return noStore(
        reply,
        toApiKeySecret(await gateway.account.createApiKey(request.identity!, wanted, request.ip)),
      )
    },
  )

  app.get<{ Querystring: ApiKeyListQuery }>(
    '/auth/api-key',
    {
      config: manage,
      schema: {
        tags,
        security: bearerOnly,
        querystring: ApiKeyListQuery,
        response: { 200: ApiKeyList, ...errorResponses },
      },
    },
    async (request, reply) =>
      noStore(reply, toApiKeyList(await gateway.account.listApiKeys(request.identity!), request.query)),
  )

  app.delete<{ Params: IdParams }>(
    '/auth/api-key/:id',
    {
      config: manage,
      schema: { tags, security: bearerOnly, params: IdParams, response: { 200: Empty, ...errorResponses } },
    },
    async (request) => {
      await gateway.account.revokeApiKey(request.identity!, request.params.id, request.ip)
      return {}
    },
  )

  // A regenerated key stops working at once (no grace period): EVEDEX has no notion of one.
  app.put<{ Params: IdParams }>(
    '/auth/api-key/:id/regenerate',
    {
      config: manage,
      schema: {
        tags,
        security: bearerOnly,
        params: IdParams,
        response: { 200: ApiKeySecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const rotated = await gateway.account.rotateApiKey(request.identity!, request.params.id, 0, request.ip)
      return noStore(reply, toApiKeySecret(rotated))
    },
  )
}
