import type { FastifyInstance } from 'fastify'
import type { ApiKeyView as View } from '../../../core/api-keys/create-api-key-service.js'
import { AuthError } from '../../../core/errors.js'
import type { Gateway } from '../../../core/gateway.js'
import { bodyDefaultsToEmptyObject } from '../../plugins/optional-body.js'
import { ApiKeyList, ApiKeyWithSecret, CreateApiKeyRequest, RotateApiKeyRequest } from './api-key-schemas.js'
import { IdParams, iso, problemResponses } from './schemas.js'

// Key management needs the `account` scope, which only a wallet sign-in holds: an API key can
// never create, list, rotate or revoke keys (a leaked key cannot entrench itself).
const manage = { auth: { scopes: ['account'] as const } }
const DAY_MS = 86_400_000
const security = [{ bearer: [] }, { sessionCookie: [] }]

const render = (key: View) => ({
  id: key.id,
  name: key.name,
  scope: key.scope,
  allowedIps: key.allowedIps,
  status: key.status,
  credential: key.credential,
  masked: key.masked,
  ...(key.alg === undefined ? {} : { alg: key.alg, thumbprint: key.thumbprint, publicKey: key.publicKey }),
  createdAt: iso(key.createdAt),
  expiresAt: key.expiresAt === undefined ? null : iso(key.expiresAt),
  lastUsedAt: key.lastUsedAt === undefined ? null : iso(key.lastUsedAt),
  lastUsedIp: key.lastUsedIp ?? null,
})

export async function nativeApiKeyRoutes(app: FastifyInstance, { gateway }: { gateway: Gateway }) {
  app.post<{ Body: CreateApiKeyRequest }>(
    '/',
    {
      config: manage,
      schema: {
        tags: ['api-keys'],
        security,
        body: CreateApiKeyRequest,
        response: { 201: ApiKeyWithSecret, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { publicKey, alg, expiresInDays, ...fields } = request.body
      reply.header('cache-control', 'no-store')
      const expiry = expiresInDays === undefined ? {} : { expiresAt: gateway.now() + expiresInDays * DAY_MS }
      if (alg === 'hmac-sha256') {
        if (publicKey !== undefined)
          throw new AuthError('VALIDATION_FAILED', 'publicKey with hmac', {
            detail: 'an hmac key takes no publicKey',
          })
        const { key, secret } = await gateway.account.createHmacApiKey(
          request.identity!,
          { ...fields, origin: 'session', ...expiry },
          request.ip,
        )
        return reply.code(201).send({ ...render(key), secret })
      }
      if (publicKey !== undefined) {
        // A signed-request key: Sigil keeps the public key; there is no secret to show.
        const key = await gateway.account.registerPublicKeyApiKey(
          request.identity!.accountId,
          {
            ...fields,
            publicKey,
            origin: 'session',
            ...expiry,
          },
          request.ip,
        )
        return reply.code(201).send(render(key))
      }
      const { key, secret } = await gateway.account.createApiKey(request.identity!, request.body, request.ip)
      return reply.code(201).send({ ...render(key), secret })
    },
  )

  app.get(
    '/',
    {
      config: manage,
      schema: { tags: ['api-keys'], security, response: { 200: ApiKeyList, ...problemResponses } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return { apiKeys: (await gateway.account.listApiKeys(request.identity!)).map(render) }
    },
  )

  app.delete<{ Params: IdParams }>(
    '/:id',
    {
      config: manage,
      schema: {
        tags: ['api-keys'],
        security,
        params: IdParams,
        response: { 204: { type: 'null' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      await gateway.account.revokeApiKey(request.identity!, request.params.id, request.ip)
      return reply.code(204).send()
    },
  )

  app.post<{ Params: IdParams; Body: RotateApiKeyRequest | undefined }>(
    '/:id/rotate',
    {
      config: manage,
      preValidation: bodyDefaultsToEmptyObject,
      schema: {
        tags: ['api-keys'],
        security,
        params: IdParams,
        body: RotateApiKeyRequest,
        response: { 200: ApiKeyWithSecret, ...problemResponses },
      },
    },
    async (request, reply) => {
      const grace = request.body?.gracePeriodSeconds ?? 0
      reply.header('cache-control', 'no-store')
      const publicKey = request.body?.publicKey
      if (publicKey !== undefined)
        return render(
          await gateway.account.rotatePublicKeyApiKey(
            request.identity!,
            request.params.id,
            publicKey,
            grace,
            request.ip,
          ),
        )
      const { key, secret } = await gateway.account.rotateApiKey(
        request.identity!,
        request.params.id,
        grace,
        request.ip,
      )
      return { ...render(key), secret }
    },
  )
}
