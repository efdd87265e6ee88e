import type { FastifyRequest } from 'fastify'
import type { RequestContext } from '../../core/gateway.js'

/** Who asked, as core records it on sessions and in the audit log. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent']
  return { ip: request.ip, ...(userAgent ? { userAgent } : {}) }
}
