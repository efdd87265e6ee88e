import { STATUS_CODES } from 'node:http'
import { bearerChallenge } from '../../plugins/problem-details.js'
import type { DialectErrors } from '../dialect-errors.js'

/**
 * EVEDEX errors. Their API is NestJS: every error in their specs is `{message}`, which NestJS
 * writes as `{statusCode, message, error}`. Sigil's stable `code` (and `detail`, when core gave one)
 * ride along, so a client can branch on the code instead of the prose. Statuses are all Sigil's
 * (no row differs): EVEDEX clients refresh on any 401, and a 401 from the refresh route tells them
 * to sign in again, which is what Sigil's 401s mean.
 */
export const evedexErrors: DialectErrors = {
  differences: {},
  render(reply, { status, sigilCode, title, detail }) {
    const challenge = bearerChallenge(sigilCode)
    if (challenge) reply.header('www-authenticate', challenge)
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send({
        statusCode: status,
        message: title,
        error: STATUS_CODES[status] ?? 'Error',
        code: sigilCode,
        ...(detail ? { detail } : {}),
      })
  },
}
