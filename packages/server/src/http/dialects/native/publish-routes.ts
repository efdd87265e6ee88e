import { createHash, timingSafeEqual } from 'node:crypto'
import { type Static, Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import type { Gateway } from '../../../core/gateway.js'
import { problemResponses } from './schemas.js'

const PublishBody = Type.Object(
  {
    channel: Type.String({ minLength: 1, maxLength: 128 }),
    data: Type.Unknown(),
    accountId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
)
type PublishBody = Static<typeof PublishBody>

const BEARER = /^Bearer +(\S+) *$/i
const sha256 = (text: string) => createHash('sha256').update(text).digest()

/**
 * `POST /v1/internal/publish`: the backend pushes a message to WebSocket subscribers (every
 * replica's, through the publish hub's transport). Registered only when `publishToken` is set.
 * The token is compared in constant time over SHA-256 digests (equal lengths whatever is sent),
 * before the body is read; it is never logged. Not rate limited (a backend publishes at its own
 * pace; a guess costs one hash) and not geo-blocked (the caller is the operator's own backend).
 */
export async function nativePublishRoutes(
  app: FastifyInstance,
  { gateway, publishToken }: { gateway: Gateway; publishToken: string },
) {
  const expected = sha256(publishToken)
  app.post<{ Body: PublishBody }>(
    '/publish',
    {
      config: { auth: 'public', rateLimit: 'none', geo: 'open' },
      schema: {
        // The backend's interface, not the clients': documented in docs/api.md, not in /openapi.json.
        hide: true,
        body: PublishBody,
        response: { 202: { type: 'null' }, ...problemResponses },
      },
      onRequest: async (request) => {
        const header = request.headers.authorization
        if (header === undefined) throw new AuthError('CREDENTIAL_MISSING', 'publish: no token')
        const presented = BEARER.exec(header)?.[1]
        if (presented === undefined || !timingSafeEqual(sha256(presented), expected))
          throw new AuthError('TOKEN_INVALID', 'publish: wrong token')
      },
    },
    async (request, reply) => {
      const { channel, data, accountId } = request.body
      const publication = { channel, data, ...(accountId === undefined ? {} : { accountId }) }
      const refusal = gateway.publishHub.refusal(publication)
      if (refusal) throw new AuthError(refusal)
      await gateway.publishHub.publish(publication)
      return reply.code(202).send()
    },
  )
}
