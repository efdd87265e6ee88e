import type { FastifyInstance } from 'fastify'
import type { Config } from '../../../config.js'
import type { Gateway } from '../../../core/gateway.js'

/** The EVEDEX auth API (stub while the dialect is written). */
export async function evedexRoutes(
  app: FastifyInstance,
  { gateway }: { gateway: Gateway; config: Config },
) {
  app.get('/auth/nonce', { config: { auth: 'public', rateLimit: 'sign-in' } }, async () => ({
    nonce: (await gateway.signIns.evedex.issueNonce()).nonce,
  }))
}
