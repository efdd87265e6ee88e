import type { FastifyInstance } from 'fastify'
import type { Gateway } from '../../../core/gateway.js'
import { IdParams, iso, problemResponses, SessionList } from './schemas.js'

const security = [{ bearer: [] }, { sessionCookie: [] }]

/** The account's sign-ins (cookie and token alike): list them, end one. */
export async function nativeSessionRoutes(app: FastifyInstance, { gateway }: { gateway: Gateway }) {
  app.get(
    '/',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['sessions'], security, response: { 200: SessionList, ...problemResponses } },
    },
    async (request) => {
      const identity = request.identity!
      const sessions = await gateway.sessions.listActive(identity.accountId)
      return {
        sessions: sessions.map((s) => ({
          id: s.id,
          kind: s.kind,
          current: s.id === identity.sessionId,
          createdAt: iso(s.createdAt),
          lastUsedAt: iso(s.lastUsedAt),
          expiresAt: iso(s.expiresAt),
          ...(s.ip ? { ip: s.ip } : {}),
          ...(s.userAgent ? { userAgent: s.userAgent } : {}),
        })),
      }
    },
  )

  app.delete<{ Params: IdParams }>(
    '/:id',
    {
      config: { auth: { scopes: ['account'] } },
      schema: {
        tags: ['sessions'],
        security,
        params: IdParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      await gateway.actions.revokeSession(request.identity!, request.params.id, request.ip)
      return reply.code(204).send()
    },
  )
}
