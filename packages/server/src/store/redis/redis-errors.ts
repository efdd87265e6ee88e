import { AuthError } from '../../core/errors.js'

/**
 * The one place where a Redis failure becomes what core sees. Stores whose answer decides a
 * sign-in (nonces, strict-replay claims) fail closed through `failClosed`: a Redis that is down,
 * unreachable, too slow, loading, read-only or out of memory is `AuthError('SERVICE_UNAVAILABLE')`
 * (HTTP 503, logged as a warning), never a sign-in without its single-use check and never a 401.
 * Anything else Redis says (a script bug, a key of the wrong type under our prefix) is rethrown
 * as it is: a 500, since retrying will not help.
 */

/** Reply-error prefixes that mean "not now" rather than "never": the server or its role is unavailable. */
const UNAVAILABLE_REPLIES = [
  'LOADING',
  'BUSY',
  'READONLY',
  'OOM',
  'MASTERDOWN',
  'MISCONF',
  'NOREPLICAS',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'NOAUTH',
  'WRONGPASS',
] as const

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** True when Redis answered with a reply error (a command reached the server and was refused). */
const isReplyError = (error: unknown) => error instanceof Error && error.name === 'ReplyError'

/**
 * Whether `error` means Redis is unavailable (connection refused or lost, no connection while
 * the offline queue is off, a command or connect timeout, or a server that refuses for now),
 * as opposed to a bug in what was sent.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!isReplyError(error)) return true
  const message = errorMessage(error)
  return UNAVAILABLE_REPLIES.some((prefix) => message.startsWith(prefix))
}

/**
 * A short, secret-free description of a Redis failure for logs and `AuthError.internal`:
 * `connection down`, `command timed out`, or the first words of the server's reply.
 */
export function shortRedisCause(error: unknown): string {
  const message = errorMessage(error)
  if (/timed? ?out|ETIMEDOUT/i.test(message)) return 'command timed out'
  if (
    /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EHOSTUNREACH|max ?retries/i.test(
      message,
    ) ||
    (error instanceof Error && error.name === 'MaxRetriesPerRequestError')
  ) {
    return 'connection down'
  }
  const firstLine = message.split('\n', 1)[0] ?? ''
  return firstLine.length > 80 ? `${firstLine.slice(0, 80)}…` : firstLine
}

/** `AuthError('SERVICE_UNAVAILABLE', 'redis: <short cause>')`, keeping the original as `cause`. */
export function redisUnavailable(error: unknown): AuthError {
  return new AuthError('SERVICE_UNAVAILABLE', `redis: ${shortRedisCause(error)}`, { cause: error })
}

/** Runs one Redis call; an unavailable Redis becomes SERVICE_UNAVAILABLE (see the module comment). */
export async function failClosed<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw isRedisUnavailable(error) ? redisUnavailable(error) : error
  }
}
