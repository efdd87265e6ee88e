import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Gateway, IssuedCredentials } from '../../../core/gateway.js'
import type { Address } from '../../../core/ports.js'
import {
  MeResponse,
  NonceRequest,
  NonceResponse,
  Problem,
  RefreshRequest,
  SiweRequest,
  TokenResponse,
} from './schemas.js'

const errors = { 400: Problem, 401: Problem, 403: Problem, 413: Problem, 415: Problem, 500: Problem }

function sendCredentials(reply: FastifyReply, issued: IssuedCredentials) {
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

/** Sigil's own API under /v1/auth: each handler parses, calls the gateway, renders. */
export async function nativeAuthRoutes(app: FastifyInstance, { gateway }: { gateway: Gateway }) {
  app.post<{ Body: NonceRequest | undefined }>(
    '/nonce',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], body: NonceRequest, response: { 200: NonceResponse, ...errors } },
    },
    async (request, reply) => {
      const challenge = await gateway.issueNonce(request.body?.address as Address | undefined)
      reply.header('cache-control', 'no-store')
      return {
        nonce: challenge.nonce,
        expiresAt: new Date(challenge.expiresAt).toISOString(),
        domain: gateway.siweBinding.domain,
        scheme: gateway.siweBinding.scheme,
        uri: gateway.siweBinding.uri,
        chainIds: gateway.siweBinding.chainIds,
      }
    },
  )

  app.post<{ Body: SiweRequest }>(
    '/siwe',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], body: SiweRequest, response: { 200: TokenResponse, ...errors } },
    },
    async (request, reply) => {
      const userAgent = request.headers['user-agent']
      const issued = await gateway.signInWithEthereum(request.body, {
        ip: request.ip,
        ...(userAgent ? { userAgent } : {}),
      })
      return sendCredentials(reply, issued)
    },
  )

  app.post<{ Body: RefreshRequest }>(
    '/refresh',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], body: RefreshRequest, response: { 200: TokenResponse, ...errors } },
    },
    async (request, reply) => sendCredentials(reply, await gateway.refresh(request.body.refreshToken)),
  )

  app.get(
    '/me',
    {
      config: { auth: { scopes: ['read'] } },
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 200: MeResponse, ...errors } },
    },
    async (request) => {
      const identity = request.identity!
      const account = await gateway.findAccount(identity.accountId)
      return {
        account: { id: account.id, address: account.address },
        sessionId: identity.sessionId,
        scopes: identity.scopes,
      }
    },
  )

  app.post(
    '/logout',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await gateway.sessions.revoke(request.identity!.sessionId)
      return reply.code(204).send()
    },
  )

  app.post(
    '/logout-all',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['auth'], security: [{ bearer: [] }], response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await gateway.sessions.revokeAllOfAccount(request.identity!.accountId)
      return reply.code(204).send()
    },
  )
}
