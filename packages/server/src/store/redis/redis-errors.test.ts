import { ReplyError } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { AuthError } from '../../core/errors.js'
import { failClosed, isRedisUnavailable, shortRedisCause } from './redis-errors.js'

describe('redis error mapping', () => {
  it('default: transport failures fail closed as SERVICE_UNAVAILABLE with a short cause', async () => {
    const cases: [Error, string][] = [
      [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'redis: connection down'],
      [new Error('Connection is closed.'), 'redis: connection down'],
      [new Error('connect ECONNREFUSED 127.0.0.1:6379'), 'redis: connection down'],
      [new Error('Command timed out'), 'redis: command timed out'],
      [
        new ReplyError('LOADING Redis is loading the dataset in memory'),
        'redis: LOADING Redis is loading the dataset in memory',
      ],
      [
        new ReplyError("READONLY You can't write against a read only replica."),
        expect.stringMatching(/^redis: READONLY/),
      ],
      [
        new ReplyError('OOM command not allowed when used memory > maxmemory'),
        expect.stringMatching(/^redis: OOM/),
      ],
    ] as never
    for (const [error, internal] of cases) {
      const thrown = await failClosed(() => Promise.reject(error)).catch((e: unknown) => e)
      expect(thrown).toBeInstanceOf(AuthError)
      expect(thrown).toMatchObject({ code: 'SERVICE_UNAVAILABLE', internal, cause: error })
    }
  })

  it('negative: a reply that is a bug (script error, wrong type) is rethrown as it is: a 500, not a retry', async () => {
    for (const error of [
      new ReplyError('ERR user_script:1: Script attempted to access nonexistent global variable'),
      new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ]) {
      expect(isRedisUnavailable(error)).toBe(false)
      await expect(failClosed(() => Promise.reject(error))).rejects.toBe(error)
    }
  })

  it('boundary: a long cause is cut to its first line and 80 characters', () => {
    expect(shortRedisCause(new ReplyError(`MISCONF ${'x'.repeat(200)}\nmore`))).toHaveLength(81)
  })
})
