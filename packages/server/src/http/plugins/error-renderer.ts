import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { type AuthErrorCode, isAuthError } from '../../core/errors.js'

/** How one API writes an error body for a core code (problem details natively, a venue's body in a dialect). */
export type RenderError = (reply: FastifyReply, code: AuthErrorCode, detail?: string) => FastifyReply

/** Fastify's own refusals (schema, body size, media type) as our codes; anything else is a 500. */
export function codeOfFrameworkError(error: FastifyError): AuthErrorCode | undefined {
  if (error.validation) return 'VALIDATION_FAILED'
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE'
    default:
      return error.statusCode === 400 ? 'VALIDATION_FAILED' : undefined
  }
}

/**
 * The one error policy of every API, with its own rendering: an AuthError keeps its code, a
 * framework refusal maps to ours, and anything else (database down, a bug) is a logged, opaque
 * 500: an outage is never turned into a 401. Fastify scopes the handler to the plugin it is set in.
 */
export function renderErrorsWith(app: FastifyInstance, render: RenderError) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAuthError(error)) {
      // An outage (a store down) is the operator's news; a refusal is the client's.
      const level = error.code === 'SERVICE_UNAVAILABLE' ? 'warn' : 'info'
      request.log[level]({ code: error.code, reason: error.internal }, 'request refused')
      return render(reply, error.code, error.detail)
    }
    const code = codeOfFrameworkError(error)
    if (code) return render(reply, code, error.validation ? error.message.slice(0, 200) : undefined)
    request.log.error({ err: error }, 'unhandled error')
    return render(reply, 'INTERNAL_ERROR')
  })
}
