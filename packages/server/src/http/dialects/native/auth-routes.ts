import { AGENT_DOMAIN_VERSION } from '@sigil/protocol'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from '../../../config.js'
import { AuthError } from '../../../core/errors.js'
import type { Gateway, IssuedTokens } from '../../../core/gateway.js'
import type { Address } from '../../../core/ports.js'
import { isCrossSiteBrowserRequest } from '../../plugins/csrf.js'
import { bodyDefaultsToEmptyObject } from '../../plugins/optional-body.js'
import { requestContext } from '../../plugins/request-context.js'
import { clearSessionCookie, nativeSessionCookie, setSessionCookie } from '../../plugins/session-cookie.js'
import {
  AUDIT_DEFAULT_LIMIT,
  AuditEventList,
  AuditQuery,
  iso,
  MeResponse,
  NonceRequest,
  NonceResponse,
  problemResponses,
  RedeemInviteRequest,
  RefreshRequest,
  SessionCookieResponse,
  SiweRequest,
  TokenResponse,
} from './schemas.js'

const bearer = [{ bearer: [] }, { apiKey: [] }, { sessionCookie: [] }]

function sendTokens(reply: FastifyReply, issued: IssuedTokens) {
  // RFC 6749 §5.1: responses carrying tokens must not be cached anywhere.
  reply.header('cache-control', 'no-store')
  return {
    accessToken: issued.accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: issued.expiresIn,
    refreshToken: issued.refreshToken,
    refreshExpiresIn: issued.refreshExpiresIn,
    account: { id: issued.account.id, address: issued.account.address },
  }
}

/** Sigil's own sign-in API under /v1/auth: each handler parses, calls the gateway, renders. */
export async function nativeAuthRoutes(
  app: FastifyInstance,
  { gateway, config }: { gateway: Gateway; config: Config },
) {
  const siwe = gateway.signIn('native')
  const agentKeys = gateway.agentKeys.binding
  app.post<{ Body: NonceRequest | undefined }>(
    '/nonce',
    {
      config: { auth: 'public', rateLimit: 'sign-in' },
      preValidation: bodyDefaultsToEmptyObject,
      schema: { tags: ['auth'], body: NonceRequest, response: { 200: NonceResponse, ...problemResponses } },
    },
    async (request, reply) => {
      const address = request.body?.address as Address | undefined
      const challenge = await siwe.issueNonce(address)
      reply.header('cache-control', 'no-store')
      return {
        nonce: challenge.nonce,
        expiresAt: iso(challenge.expiresAt),
        domain: siwe.binding.domain,
        scheme: siwe.binding.scheme,
        uri: siwe.binding.uri,
        chainIds: siwe.binding.chainIds,
        agentKeys: {
          domain: { name: agentKeys.domainName, version: AGENT_DOMAIN_VERSION },
          origin: agentKeys.origin,
          maxDays: config.agentKeyMaxDays,
        },
      }
    },
  )

  app.post<{ Body: SiweRequest }>(
    '/siwe',
    {
      config: { auth: 'public', rateLimit: 'sign-in' },
      schema: {
        tags: ['auth'],
        body: SiweRequest,
        response: { 200: { anyOf: [TokenResponse, SessionCookieResponse] }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { message, signature, credential = 'token' } = request.body
      if (credential === 'token')
        return sendTokens(reply, await siwe.signIn({ message, signature }, requestContext(request)))
      if (isCrossSiteBrowserRequest(request.headers, config.allowedOrigins)) {
        throw new AuthError('CSRF_REJECTED', 'cross-site cookie sign-in (login CSRF)')
      }
      const issued = await siwe.signInForCookie({ message, signature }, requestContext(request))
      setSessionCookie(
        reply,
        nativeSessionCookie(config),
        issued.cookieValue,
        issued.expiresAt,
        gateway.now(),
      )
      reply.header('cache-control', 'no-store')
      return {
        account: { id: issued.account.id, address: issued.account.address },
        sessionId: issued.sessionId,
        expiresAt: iso(issued.expiresAt),
      }
    },
  )

  app.post<{ Body: RefreshRequest }>(
    '/refresh',
    {
      config: { auth: 'public', rateLimit: 'sign-in' },
      schema: { tags: ['auth'], body: RefreshRequest, response: { 200: TokenResponse, ...problemResponses } },
    },
    async (request, reply) => sendTokens(reply, await siwe.refresh(request.body.refreshToken)),
  )

  app.get(
    '/me',
    {
      config: { auth: { scopes: ['read'] } },
      schema: { tags: ['auth'], security: bearer, response: { 200: MeResponse, ...problemResponses } },
    },
    async (request) => {
      const identity = request.identity!
      const account = await gateway.account.find(identity)
      return {
        account: { id: account.id, address: account.address, status: account.status },
        credential: identity.via,
        ...(identity.sessionId ? { sessionId: identity.sessionId } : {}),
        ...(identity.apiKeyId ? { apiKeyId: identity.apiKeyId } : {}),
        scopes: identity.scopes,
      }
    },
  )

  // The account's own security log (sign-ins, sessions ended, keys created, rotated, revoked).
  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      config: { auth: { scopes: ['account'] } },
      schema: {
        tags: ['auth'],
        security: bearer,
        querystring: AuditQuery,
        response: { 200: AuditEventList, ...problemResponses },
      },
    },
    async (request, reply) => {
      const limit = Number(request.query.limit ?? AUDIT_DEFAULT_LIMIT)
      const events = await gateway.account.recentAuditEvents(request.identity!, limit)
      reply.header('cache-control', 'no-store')
      return {
        events: events.map((event) => ({
          id: event.id,
          at: iso(event.at),
          type: event.type,
          ...(event.ip === undefined ? {} : { ip: event.ip }),
          ...(event.detail === undefined ? {} : { detail: event.detail }),
        })),
      }
    },
  )

  app.post(
    '/logout',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['auth'], security: bearer, response: { 204: { type: 'null' }, ...problemResponses } },
    },
    async (request, reply) => {
      await gateway.account.logout(request.identity!, request.ip)
      if (request.sessionCookie) clearSessionCookie(reply, request.sessionCookie)
      return reply.code(204).send()
    },
  )

  app.post(
    '/logout-all',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['auth'], security: bearer, response: { 204: { type: 'null' }, ...problemResponses } },
    },
    async (request, reply) => {
      await gateway.account.logoutAll(request.identity!, request.ip)
      if (request.sessionCookie) clearSessionCookie(reply, request.sessionCookie)
      return reply.code(204).send()
    },
  )

  app.post<{ Body: RedeemInviteRequest }>(
    '/redeem-invite',
    {
      config: { auth: { scopes: ['account'] } },
      schema: {
        tags: ['auth'],
        security: bearer,
        body: RedeemInviteRequest,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      await gateway.account.redeemInvite(request.identity!, request.body.code, request.ip)
      return reply.code(204).send()
    },
  )
}
