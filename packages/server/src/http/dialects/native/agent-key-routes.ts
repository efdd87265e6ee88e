import type { FastifyInstance } from 'fastify'
import type { Gateway } from '../../../core/gateway.js'
import { requestContext } from '../../plugins/request-context.js'
import {
  AgentKeyAuthorizationRequest,
  AgentKeyResponse,
  AgentKeyRevocationRequest,
} from './agent-key-schemas.js'
import { iso, problemResponses } from './schemas.js'

/**
 * Agent keys a wallet authorizes (and revokes) with an EIP-712 signature, without a session
 * (docs/signed-requests.md, Agent keys). Public routes, on the sign-in rate-limit budget: the
 * signature is the credential. A session revokes agent keys like any key (DELETE /v1/api-keys/:id).
 */
export async function nativeAgentKeyRoutes(app: FastifyInstance, { gateway }: { gateway: Gateway }) {
  const limits = { auth: 'public' as const, rateLimit: 'sign-in' as const }

  app.post<{ Body: AgentKeyAuthorizationRequest }>(
    '/',
    {
      config: limits,
      schema: {
        tags: ['api-keys'],
        body: AgentKeyAuthorizationRequest,
        response: { 201: AgentKeyResponse, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { authorization, publicKey, signature } = request.body
      const key = await gateway.agentKeys.authorize(
        { typedData: authorization, publicKey, signature },
        requestContext(request),
      )
      reply.header('cache-control', 'no-store')
      return reply.code(201).send({
        id: key.keyId,
        scope: key.scope,
        expiresAt: iso(key.expiresAt),
        account: { id: key.account.id, address: key.account.address },
      })
    },
  )

  app.post<{ Body: AgentKeyRevocationRequest }>(
    '/revoke',
    {
      config: limits,
      schema: {
        tags: ['api-keys'],
        body: AgentKeyRevocationRequest,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { revocation, signature } = request.body
      await gateway.agentKeys.revoke({ typedData: revocation, signature }, requestContext(request))
      return reply.code(204).send()
    },
  )
}
