import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { stopProcess } from './child-process.js'

/** The Redis the tests share: the machine's, unless `SIGIL_TEST_REDIS_URL` names another. */
export const testRedisUrl = () => process.env.SIGIL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** `sigil-test:<random>:`: the keys of one test file, so that files sharing a Redis never meet. */
export const uniqueRedisPrefix = () => `sigil-test:${randomBytes(6).toString('hex')}:`

/** A short-lived client for a test's own reads, writes and cleanup (fails fast when Redis is away). */
export function testRedisClient(url = testRedisUrl()): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  })
  // The failure reaches the caller through the command; no "unhandled error event" on the console.
  client.on('error', () => {})
  return client
}

/** Deletes every key under `prefix` (SCAN + UNLINK), the cleanup of a test file. Returns how many. */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<number> {
  const client = testRedisClient(url)
  let deleted = 0
  try {
    await client.connect()
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length) deleted += await client.unlink(...keys)
    } while (cursor !== '0')
  } finally {
    client.disconnect()
  }
  return deleted
}

/** A TCP port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface PrivateRedis {
  port: number
  url: string
  /** Whether the server process is running now. */
  readonly running: boolean
  /** Starts the server (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Kills the server (SIGKILL: an outage, not a shutdown) and resolves once it has exited. */
  kill(): Promise<void>
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung host. */
  pause(): void
  /** Lets a paused server run again (SIGCONT). */
  resume(): void
  /** Stops the server if it runs and removes its folder; safe to call whatever happened. */
  dispose(): Promise<void>
}

/**
 * A redis-server of the test's own on a free port (no persistence, in a temporary folder), for
 * fault tests that must stop and restart it without disturbing the shared one. Call `dispose()` in
 * an afterAll.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sigil-redis-'))
  let child: ChildProcess | undefined

  const running = () => !!child && child.exitCode === null && child.signalCode === null

  async function start() {
    if (running()) return
    const server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = server
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start on ${port}: ${output}`)),
        10_000,
      )
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) done()
      }
      const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}): ${output}`))
      function cleanup() {
        clearTimeout(timer)
        server.stdout?.off('data', onData)
        server.stderr?.off('data', onData)
        server.off('exit', onExit)
        server.off('error', fail)
      }
      function done() {
        cleanup()
        // Keep draining its output so that a full pipe never blocks it.
        server.stdout?.resume()
        server.stderr?.resume()
        resolve()
      }
      function fail(error: Error) {
        cleanup()
        server.kill('SIGKILL')
        reject(error)
      }
      server.stdout?.on('data', onData)
      server.stderr?.on('data', onData)
      server.once('exit', onExit)
      server.once('error', fail)
    })
  }

  // Whatever happens to the test process, the server does not outlive it.
  const killOnExit = () => child?.kill('SIGKILL')
  process.once('exit', killOnExit)
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return running()
    },
    start,
    async kill() {
      if (!running() || !child) return
      const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()))
      child.kill('SIGKILL')
      await exited
    },
    pause() {
      if (running()) child?.kill('SIGSTOP')
    },
    resume() {
      if (running()) child?.kill('SIGCONT')
    },
    async dispose() {
      // A paused server must run again to hear SIGTERM.
      if (running()) child?.kill('SIGCONT')
      await stopProcess(child, 2_000)
      process.off('exit', killOnExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The Redis a test file's suites use, with the file's own key prefix: the shared one
 * (`testRedisUrl()`), or, when that is unreachable and no `SIGIL_TEST_REDIS_URL` was given, a private
 * server started for the file. Call it at the top of the file (it registers beforeAll/afterAll); the
 * returned function gives `{ url, prefix }` while the file runs. Every key under the prefix is
 * deleted afterwards.
 */
export function useTestRedis(): () => { url: string; prefix: string } {
  const prefix = uniqueRedisPrefix()
  let url: string | undefined
  let privateServer: PrivateRedis | undefined
  beforeAll(async () => {
    const shared = testRedisUrl()
    const probe = testRedisClient(shared)
    try {
      await probe.connect()
      await probe.ping()
      url = shared
    } catch (error) {
      if (process.env.SIGIL_TEST_REDIS_URL) throw error
      privateServer = await startPrivateRedis()
      url = privateServer.url
    } finally {
      probe.disconnect()
    }
  }, 20_000)
  afterAll(async () => {
    try {
      if (url && !privateServer) await deleteRedisPrefix(url, prefix)
    } finally {
      await privateServer?.dispose()
    }
  })
  return () => {
    if (!url) throw new Error('useTestRedis(): Redis is known only while the file runs')
    return { url, prefix }
  }
}
