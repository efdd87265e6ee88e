import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTempDir } from './support/temp-dir.js'
import { startTestServer } from './support/test-server.js'
import { getNonce, newWallet, signedSiwe, signIn } from './support/wallet.js'

const BIN = new URL('../bin/sigil.js', import.meta.url).pathname

/** `sigil invites create` and `sigil audit`, run as the operator runs them, against one database. */
describe('operator commands', () => {
  const folder = useTempDir('sigil-ops-')
  let databaseUrl: string
  beforeAll(() => {
    databaseUrl = `sqlite:${join(folder(), 'sigil.db')}`
  })
  const sigil = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, SIGIL_DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    })

  it('default: invites created by the CLI are redeemable through the API, each use once', async () => {
    const created = sigil('invites', 'create', '--uses', '1', '--count', '2')
    expect(created.status).toBe(0)
    const codes = created.stdout.trim().split('\n')
    expect(codes).toHaveLength(2)
    for (const code of codes) expect(code).toMatch(/^sgl_inv_[0-9A-Za-z]{20}$/)

    const server = await startTestServer({ databaseUrl, invitesRequired: true })
    try {
      const token = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
      const redeem = (code: string) =>
        server.app.inject({
          method: 'POST',
          url: '/v1/auth/redeem-invite',
          headers: { authorization: `Bearer ${token}` },
          payload: { code },
        })
      expect((await redeem(codes[0]!)).statusCode).toBe(204)
      const second = (await signIn(server.app, newWallet(), server.clock.now())).json().accessToken
      const reuse = await server.app.inject({
        method: 'POST',
        url: '/v1/auth/redeem-invite',
        headers: { authorization: `Bearer ${second}` },
        payload: { code: codes[0] },
      })
      expect(reuse.json().code).toBe('INVITE_INVALID')
    } finally {
      await server.close()
    }
  })

  it('behavior: `sigil audit` prints the security events of an account as JSON lines, with no secret in them', async () => {
    const server = await startTestServer({ databaseUrl })
    const wallet = newWallet()
    const secrets: string[] = []
    try {
      const session = (await signIn(server.app, wallet, server.clock.now())).json()
      secrets.push(session.accessToken, session.refreshToken.split('.')[1])
      const bearer = { authorization: `Bearer ${session.accessToken}` }
      const key = await server.app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: bearer,
        payload: { name: 'b', scope: 'read' },
      })
      secrets.push(key.json().secret)
      await server.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.json().id}`, headers: bearer })
      const nonce = await getNonce(server.app)
      const { message, signature } = await signedSiwe(
        wallet,
        { nonce, domain: 'evil.example' },
        server.clock.now(),
      )
      secrets.push(signature)
      await server.app.inject({ method: 'POST', url: '/v1/auth/siwe', payload: { message, signature } })
      const refreshed = (
        await server.app.inject({
          method: 'POST',
          url: '/v1/auth/refresh',
          payload: { refreshToken: session.refreshToken },
        })
      ).json()
      server.clock.advance(10_001) // past the refresh reuse interval: presenting it again is reuse
      await server.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: session.refreshToken },
      })
      secrets.push(refreshed.refreshToken.split('.')[1])
      await server.app.inject({ method: 'POST', url: '/v1/auth/logout-all', headers: bearer })
    } finally {
      await server.close()
    }

    const all = sigil('audit')
    expect(all.status).toBe(0)
    const events = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    const types = events.map((e) => e.type)
    expect(types).toEqual(
      expect.arrayContaining([
        'sign_in.succeeded',
        'api_key.created',
        'api_key.revoked',
        'sign_in.failed',
        'refresh.reused',
      ]),
    )
    expect(events.find((e) => e.type === 'sign_in.failed').detail).toMatchObject({ code: 'DOMAIN_MISMATCH' })
    for (const secret of secrets) expect(all.stdout).not.toContain(secret)

    const mine = sigil('audit', '--account', wallet.address)
    expect(mine.status).toBe(0)
    const own = mine.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(new Set(own.map((e) => e.accountId)).size).toBe(1)
    expect(own.map((e) => e.type)).toEqual(
      expect.arrayContaining(['sign_in.succeeded', 'api_key.created', 'refresh.reused']),
    )

    const future = sigil('audit', '--since', '2100-01-01T00:00:00Z')
    expect([future.status, future.stdout]).toEqual([0, ''])
    const bad = sigil('audit', '--since', 'yesterday')
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/--since/)
  })

  it('attack: `sigil config print` never shows a secret: master key, database and Redis passwords, metrics token', () => {
    const printed = spawnSync(process.execPath, [BIN, 'config', 'print'], {
      env: {
        PATH: process.env.PATH,
        SIGIL_DATABASE_URL: 'postgres://sigil:db-secret@db.internal:5432/sigil',
        SIGIL_REDIS_URL: 'redis://:redis-secret@cache.internal:6379',
        SIGIL_MASTER_KEY: '07'.repeat(32),
        SIGIL_METRICS_TOKEN: 'metrics-secret-0123456789',
      },
      encoding: 'utf8',
    })
    expect(printed.status).toBe(0)
    for (const secret of ['db-secret', 'redis-secret', '07'.repeat(32), 'metrics-secret-0123456789'])
      expect(printed.stdout).not.toContain(secret)
    expect(JSON.parse(printed.stdout)).toMatchObject({
      databaseUrl: 'postgres://***@db.internal:5432/sigil',
      redisUrl: 'redis://***@cache.internal:6379',
      masterKey: '[redacted]',
      metricsToken: '[redacted]',
    })
  })
})
