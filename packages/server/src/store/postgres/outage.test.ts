import { describe, expect, it } from 'vitest'
import { AuthError } from '../../core/errors.js'
import { mapOutage, outageCause } from './outage.js'

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code })

describe('outage classification', () => {
  it('behavior: unreachable, lost, shutting down, out of resources and timed out are outages', () => {
    for (const error of [
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      withCode('ECONNRESET'),
      withCode('ETIMEDOUT'),
      withCode('ENOTFOUND'),
      withCode('08006', 'connection failure'),
      withCode('08001'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('53300', 'sorry, too many clients already'),
      withCode('57014', 'canceling statement due to statement timeout'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      new Error('Client has encountered a connection error and is not queryable'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
    ]) {
      expect(outageCause(error), error.message).toBeDefined()
      const mapped = mapOutage(error)
      expect(mapped).toBeInstanceOf(AuthError)
      expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE', cause: error })
    }
  })

  it('behavior: constraint violations, serialization failures, bugs and non-errors stay what they are', () => {
    for (const error of [
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('23503', 'insert or update violates foreign key constraint'),
      withCode('40001', 'could not serialize access'),
      withCode('42P01', 'relation "nope" does not exist'),
      withCode('42601', 'syntax error'),
      new TypeError('cannot read properties of undefined'),
      new Error('Cannot use a pool after calling end on the pool'),
      new AggregateError([withCode('ECONNREFUSED'), new TypeError('x')]),
      'a string',
      undefined,
    ]) {
      expect(outageCause(error)).toBeUndefined()
      expect(mapOutage(error)).toBe(error)
    }
  })
})
