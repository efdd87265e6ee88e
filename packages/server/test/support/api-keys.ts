import { Writable } from 'node:stream'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { type Kysely, sql } from 'kysely'
import type { PrivateKeyAccount } from 'viem/accounts'
import { afterEach, beforeEach } from 'vitest'
import { startTestServer, type TestServer } from './test-server.js'
import { newWallet, signIn } from './wallet.js'

/** The documented shape of a key: `sgl_sk_` + 16-character public id + 43 of secret + 6 of checksum. */
export const API_KEY_SHAPE = /^sgl_sk_([0-9A-Za-z]{16})([0-9A-Za-z]{43})[0-9A-Za-z]{6}$/

export function splitApiKey(secret: string): { id: string; secretPart: string } {
  const match = API_KEY_SHAPE.exec(secret)
  if (!match) throw new Error(`not an API key: ${secret.slice(0, 12)}…`)
  return { id: match[1]!, secretPart: match[2]! }
}

export interface SignedIn {
  wallet: PrivateKeyAccount
  accountId: string
  accessToken: string
  /** `{ authorization: 'Bearer <jwt>' }` */
  headers: Record<string, string>
}

/** A wallet signs in (SIWE) and gets a JWT; pass the same wallet again after moving the clock. */
export async function signedIn(server: TestServer, wallet = newWallet()): Promise<SignedIn> {
  const response = await signIn(server.app, wallet, server.clock.now())
  if (response.statusCode !== 200) throw new Error(`sign-in: ${response.statusCode} ${response.body}`)
  const body = response.json()
  return {
    wallet,
    accountId: body.account.id,
    accessToken: body.accessToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
  }
}

/**
 * For each test of a `describe`: a server (`start`, default a plain test server) and an owner
 * signed in on it, handed to `use` (the describe's variables) before the test; the server closed
 * after it.
 */
export function useSignedInServer(
  use: (started: { server: TestServer; owner: SignedIn }) => void,
  start: () => Promise<TestServer> = () => startTestServer(),
): void {
  let server: TestServer | undefined
  beforeEach(async () => {
    server = await start()
    use({ server, owner: await signedIn(server) })
  })
  afterEach(async () => {
    await server?.close()
    server = undefined
  })
}

export interface NewKeyBody {
  name?: string
  scope?: 'read' | 'trade'
  allowedIps?: string[]
  expiresInDays?: number
}

export function createKeyRequest(server: TestServer, as: SignedIn, body: Record<string, unknown>) {
  return server.app.inject({ method: 'POST', url: '/v1/api-keys', headers: as.headers, payload: body })
}

/** Creates a key and returns the 201 body; throws on any other status. */
export async function createKey(
  server: TestServer,
  as: SignedIn,
  body: NewKeyBody = {},
): Promise<{ id: string; secret: string; [field: string]: unknown }> {
  const response = await createKeyRequest(server, as, { name: 'bot', scope: 'read', ...body })
  if (response.statusCode !== 201) throw new Error(`create key: ${response.statusCode} ${response.body}`)
  return response.json()
}

export function listKeys(server: TestServer, as: SignedIn) {
  return server.app.inject({ method: 'GET', url: '/v1/api-keys', headers: as.headers })
}

export function rotateKey(server: TestServer, as: SignedIn, id: string, body: Record<string, unknown> = {}) {
  return server.app.inject({
    method: 'POST',
    url: `/v1/api-keys/${id}/rotate`,
    headers: as.headers,
    payload: body,
  })
}

export function revokeKey(server: TestServer, as: SignedIn, id: string) {
  return server.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: as.headers })
}

export interface UseKeyOptions {
  /** `x-api-key` (default) or `Authorization: Bearer`. */
  via?: 'x-api-key' | 'bearer'
  url?: string
  method?: InjectOptions['method']
  /** The socket address the app sees. */
  ip?: string
  headers?: Record<string, string>
}

/** Presents a key the way a bot would (GET /v1/verify/read unless told otherwise). */
export function useKey(
  server: TestServer,
  secret: string,
  options: UseKeyOptions = {},
): Promise<LightMyRequestResponse> {
  const credential: Record<string, string> =
    options.via === 'bearer' ? { authorization: `Bearer ${secret}` } : { 'x-api-key': secret }
  return server.app.inject({
    method: options.method ?? 'GET',
    url: options.url ?? '/v1/verify/read',
    headers: { ...credential, ...options.headers },
    ...(options.ip ? { remoteAddress: options.ip } : {}),
  })
}

/** Every row of every table of the SQLite database behind `stores` (raw, through Kysely). */
export async function dumpDatabase(stores: unknown): Promise<Record<string, Record<string, unknown>[]>> {
  const db = (stores as { db?: Kysely<unknown> }).db
  if (!db) throw new Error('stores has no Kysely db')
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
  const dump: Record<string, Record<string, unknown>[]> = {}
  for (const { name } of tables.rows) {
    dump[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows
  }
  return dump
}

/** Every cell of a dump as text: strings as they are, blobs as UTF-8, hex and base64(url). */
export function cellsAsText(dump: Record<string, Record<string, unknown>[]>): string[] {
  const out: string[] = []
  for (const rows of Object.values(dump)) {
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array) {
          const buffer = Buffer.from(value)
          out.push(buffer.toString('utf8'), buffer.toString('hex'), buffer.toString('base64url'))
          out.push(buffer.toString('base64'))
        } else if (value !== null && value !== undefined) out.push(String(value))
      }
    }
  }
  return out
}

/** A Writable that keeps every line written to it (pino writes one JSON object per line). */
export function lineCollector(): { stream: Writable; lines: string[] } {
  const lines: string[] = []
  let pending = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk)
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      lines.push(...parts.filter((line) => line.length > 0))
      done()
    },
    final(done) {
      if (pending) lines.push(pending)
      done()
    },
  })
  return { stream, lines }
}

/** As startTestServer, but the app logs at `trace` into `lines`. */
export async function startLoggedTestServer(
  flags: Record<string, unknown> = {},
): Promise<TestServer & { lines: string[] }> {
  const { stream, lines } = lineCollector()
  const server = await startTestServer(flags, { logger: { level: 'trace', stream } })
  return { ...server, lines }
}
