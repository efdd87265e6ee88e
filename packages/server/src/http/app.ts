import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from '../config.js'
import type { Gateway } from '../core/gateway.js'
import { nativeAuthRoutes } from './dialects/native/routes.js'
import { registerAuthentication } from './plugins/authentication.js'
import { registerProblemDetails } from './plugins/problem-details.js'

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger']
}

/** Builds the HTTP application; never listens (tests use `inject` or listen themselves). */
export async function buildApp(
  gateway: Gateway,
  config: Config,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    // Strict bodies: an unknown property is an error, not something to strip; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    disableRequestLogging: false,
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sigil',
        version: '0.1.0',
        description: 'Wallet sign-in and credentials for trading APIs',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  })
  registerProblemDetails(app)
  registerAuthentication(app, gateway)

  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }))
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger())
  app.get(
    '/.well-known/jwks.json',
    { config: { auth: 'public' }, schema: { tags: ['keys'] } },
    async (_request, reply) => {
      // Short cache: verifiers pick up a rotation within a minute, and refetch at once on an unknown kid.
      reply.header('cache-control', 'public, max-age=60')
      return gateway.keyRing.jwks()
    },
  )
  await app.register(nativeAuthRoutes, { prefix: '/v1/auth', gateway })
  return app
}
