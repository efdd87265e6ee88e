import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AuthErrorCode } from '../../core/errors.js'
import { errorCatalog } from '../error-catalog.js'
import { renderErrorsWith } from '../plugins/error-renderer.js'

/** How a venue says one core code differently: its own name for it, its own status, or both. */
export interface DialectErrorRow {
  status?: number
  code?: string
}

/** One refusal as a dialect renders it. */
export interface DialectError {
  status: number
  /** The venue's name for it: the core code unless the dialect's table says otherwise. */
  code: string
  /** Sigil's own code, for bodies that carry both. */
  sigilCode: AuthErrorCode
  /** The native catalogue's wording: one text for each code, whatever the dialect. */
  title: string
  detail?: string
}

export interface DialectErrors {
  /**
   * Only the rows that differ from the native catalogue (errorCatalog): every other code keeps
   * its native status and name, so a new core code is never unmapped, in no dialect.
   */
  differences: Partial<Record<AuthErrorCode, DialectErrorRow>>
  /** Writes the venue's error body. */
  render(reply: FastifyReply, error: DialectError): FastifyReply
}

/** A core code in a dialect's terms: its row where it has one, the native catalogue's otherwise. */
export function dialectError(errors: DialectErrors, code: AuthErrorCode, detail?: string): DialectError {
  const [nativeStatus, title] = errorCatalog[code]
  const row = errors.differences[code]
  return {
    status: row?.status ?? nativeStatus,
    code: row?.code ?? code,
    sigilCode: code,
    title,
    ...(detail ? { detail } : {}),
  }
}

export function sendDialectError(
  errors: DialectErrors,
  reply: FastifyReply,
  code: AuthErrorCode,
  detail?: string,
): FastifyReply {
  return errors.render(reply, dialectError(errors, code, detail))
}

/**
 * Every error under a dialect's prefix leaves in its body: refusals of the shared hooks
 * (credential, rate limit) too, since Fastify runs the plugin's own error handler for them. At the
 * root (prefix "") unknown paths stay the app's (one not-found handler per prefix, and the root's
 * belongs to no dialect in particular).
 */
export function registerDialectErrors(app: FastifyInstance, errors: DialectErrors) {
  renderErrorsWith(app, (reply, code, detail) => sendDialectError(errors, reply, code, detail))
  if (app.prefix !== '')
    app.setNotFoundHandler((_request, reply) => sendDialectError(errors, reply, 'NOT_FOUND'))
}
