import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthErrorCode } from '../../core/errors.js'
import { errorCatalog } from '../error-catalog.js'
import { renderErrorsWith } from './error-renderer.js'

/** RFC 9457 problem details: every error leaves as `{type, title, status, code, detail?}`. */
export function sendProblem(reply: FastifyReply, code: AuthErrorCode, detail?: string) {
  const [status, title] = errorCatalog[code]
  const challenge = bearerChallenge(code)
  if (challenge) reply.header('www-authenticate', challenge)
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: `urn:sigil:error:${code}`, title, status, code, ...(detail ? { detail } : {}) })
}

/** RFC 6750 §3: only refusals of the credential that protects a route carry a challenge. */
export function bearerChallenge(code: AuthErrorCode): string | undefined {
  switch (code) {
    case 'CREDENTIAL_MISSING':
      return 'Bearer'
    case 'TOKEN_INVALID':
    case 'TOKEN_EXPIRED':
    case 'SESSION_REVOKED':
    case 'API_KEY_INVALID':
    case 'API_KEY_EXPIRED':
    case 'API_KEY_REVOKED':
      return 'Bearer error="invalid_token"'
    case 'SCOPE_MISSING':
      return 'Bearer error="insufficient_scope"'
    default:
      return undefined
  }
}

export function registerProblemDetails(app: FastifyInstance) {
  renderErrorsWith(app, sendProblem)
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, 'NOT_FOUND'))
}
