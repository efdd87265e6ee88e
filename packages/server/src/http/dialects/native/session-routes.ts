import type { FastifyInstance } from 'fastify'
import type { Config } from '../../../config.js'
import type { Gateway } from '../../../core/gateway.js'
import { clearSessionCookie } from '../../plugins/session-cookie.js'
import { IdParams, iso, problemResponses, SessionList } from './schemas.js'

const security = [{ bearer: [] }, { sessionCookie: [] }]

/** The account's sign-ins (cookie and token alike): list them, end one. */
export async function nativeSessionRoutes(
  app: FastifyInstance,
  { gateway }: { gateway: Gateway; config: Config },
) {
  app.get(
    '/',
    {
      config: { auth: { scopes: ['account'] } },
      schema: { tags: ['sessions'], security, response: { 200: SessionList, ...problemResponses } },
    },
    async (request) => {
      const identity = request.identity!
      const sessions = await gateway.account.listSessions(identity)
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
      const identity = request.identity!
      await gateway.account.revokeSession(identity, request.params.id, request.ip)
      if (request.sessionCookie && identity.sessionId === request.params.id) {
        clearSessionCookie(reply, request.sessionCookie)
      }
      return reply.code(204).send()
    },
  )
}
