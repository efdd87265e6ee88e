import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { AuthError, type AuthErrorCode } from '../../core/errors.js'
import { errorCatalog } from '../error-catalog.js'

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
function bearerChallenge(code: AuthErrorCode): string | undefined {
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

/** Fastify's own errors (schema, body size, media type) mapped to our codes; the rest is a 500. */
function codeOfFrameworkError(error: FastifyError): AuthErrorCode | undefined {
  if (error.validation) return 'VALIDATION_FAILED'
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'VALIDATION_FAILED'
    default:
      return error.statusCode === 400 ? 'VALIDATION_FAILED' : undefined
  }
}

export function registerProblemDetails(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AuthError) {
      request.log.info({ code: error.code, reason: error.internal }, 'request refused')
      return sendProblem(reply, error.code, error.detail)
    }
    const code = codeOfFrameworkError(error)
    if (code) {
      const detail = error.validation ? error.message.slice(0, 200) : undefined
      return sendProblem(reply, code, detail)
    }
    // An outage (database, RPC) is never turned into a 401: it is ours, logged, and opaque.
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(reply, 'INTERNAL_ERROR')
  })
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, 'NOT_FOUND'))
}
