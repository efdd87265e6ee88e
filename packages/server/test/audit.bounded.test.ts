import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { Stores } from '../src/core/ports.js'
import type { Database } from '../src/store/sql/schema.js'
import { createManualClock } from './support/manual-clock.js'
import { useTempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe, signIn } from './support/wallet.js'

const BIN = new URL('../bin/sigil.js', import.meta.url).pathname
const DAY_MS = 86_400_000

/** Issue 15 item 4: unauthenticated traffic must not grow the audit log without bound. */
describe('audit log: bounded growth', () => {
  const servers: TestServer[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
  })
  const start = async (...args: Parameters<typeof startTestServer>) => {
    const server = await startTestServer(...args)
    servers.push(server)
    return server
  }
  const rowsOf = (server: TestServer, type: string) =>
    (server.stores as Stores & { db: Kysely<Database> }).db
      .selectFrom('audit_events')
      .selectAll()
      .where('type', '=', type)
      .execute()

  /** One refused SIWE sign-in (a message for another domain: refused before its nonce is spent). */
  const badSignIn = async (server: TestServer) => {
    const nonce = await getNonce(server.app)
    const proof = await signedSiwe(newWallet(), { nonce, domain: 'evil.example' }, server.clock.now())
    return (remoteAddress: string) =>
      server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload: proof, remoteAddress })
  }

  it('attack: a flood of refused sign-ins from one client writes one audit row a minute, counting the rest', async () => {
    const server = await start({ rateLimits: 'off' })
    const send = await badSignIn(server)
    for (let i = 0; i < 200; i++) expect((await send('203.0.113.9')).json().code).toBe('DOMAIN_MISMATCH')
    // An IPv6 client rotating addresses inside its /64 is one client.
    for (let i = 1; i <= 50; i++) await send(`2001:db8:0:7::${i.toString(16)}`)
    let rows = await rowsOf(server, 'sign_in.failed')
    expect(rows.map((r) => r.ip)).toEqual(['203.0.113.9', '2001:db8:0:7::1'])

    server.clock.advance(60_000) // the next window: one more row, saying how many it stood for
    await send('203.0.113.9')
    rows = await rowsOf(server, 'sign_in.failed')
    expect(rows).toHaveLength(3)
    expect(JSON.parse(rows[2]!.detail!)).toMatchObject({
      code: 'DOMAIN_MISMATCH',
      via: 'native',
      skipped: 199,
    })

    // The metric still counts every refusal: sampling bounds the log, not what operators see.
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })
    expect(metrics.body).toMatch(/sigil_sign_ins_total\{[^}]*result="failure"[^}]*\} 251/)
  })

  it('behavior: successful sign-ins are still audited one by one', async () => {
    const server = await start({ rateLimits: 'off' })
    for (let i = 0; i < 3; i++) await signIn(server.app, newWallet(), server.clock.now())
    expect(await rowsOf(server, 'sign_in.succeeded')).toHaveLength(3)
  })

  it('behavior: the retention sweep deletes events older than auditRetentionDays and keeps newer ones', async () => {
    const server = await start({ auditRetentionDays: 30 })
    await signIn(server.app, newWallet(), server.clock.now()) // day 0
    server.clock.advance(20 * DAY_MS)
    await signIn(server.app, newWallet(), server.clock.now()) // day 20
    server.clock.advance(11 * DAY_MS) // day 31: the first is past 30 days
    await server.gateway.tick()
    const left = await rowsOf(server, 'sign_in.succeeded')
    expect(left.map((r) => Number(r.at))).toEqual([server.clock.now() - 11 * DAY_MS])
  })

  it('behavior: auditRetentionDays 0 keeps every event', async () => {
    const server = await start({ auditRetentionDays: 0 })
    await signIn(server.app, newWallet(), server.clock.now())
    server.clock.advance(3650 * DAY_MS)
    await server.gateway.tick()
    expect(await rowsOf(server, 'sign_in.succeeded')).toHaveLength(1)
  })

  describe('sigil audit --until: export what retention will delete, before it does', () => {
    const folder = useTempDir('sigil-audit-')

    it('behavior: the export holds exactly the events before the cut-off; after the sweep they are gone, the rest stay', async () => {
      const databaseUrl = `sqlite:${join(folder(), 'sigil.db')}`
      const sigil = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, ...args], {
          env: { PATH: process.env.PATH, SIGIL_DATABASE_URL: databaseUrl, SIGIL_LOG_LEVEL: 'silent' },
          encoding: 'utf8',
        })
      const lines = (stdout: string) =>
        stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { at: string; type: string })
      const clock = createManualClock(Date.UTC(2025, 0, 1))
      const server = await start({ databaseUrl, auditRetentionDays: 90 }, { clock })
      await signIn(server.app, newWallet(), clock.now()) // 2025-01-01
      clock.set(Date.UTC(2025, 2, 1))
      await signIn(server.app, newWallet(), clock.now()) // 2025-03-01
      clock.set(Date.UTC(2025, 3, 15)) // the cut-off is now 2025-01-15

      const cutoff = new Date(clock.now() - 90 * DAY_MS).toISOString()
      const exported = sigil('audit', '--until', cutoff, '--limit', '100000')
      expect(exported.status, exported.stderr).toBe(0)
      expect(lines(exported.stdout).map((e) => e.at)).toEqual(['2025-01-01T00:00:00.000Z'])

      await server.gateway.tick()
      expect(lines(sigil('audit', '--until', cutoff).stdout)).toEqual([])
      expect(lines(sigil('audit').stdout).map((e) => e.at)).toEqual(['2025-03-01T00:00:00.000Z'])
      expect(sigil('audit', '--until', 'soon').stderr).toMatch(/--until/)
    }, 60_000) // four CLI processes
  })
})
