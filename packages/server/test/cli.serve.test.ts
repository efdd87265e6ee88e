import { type ChildProcess, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stopProcess } from './support/child-process.js'
import { eventually } from './support/eventually.js'
import { SIGIL_BIN, startSigilProcess } from './support/sigil-process.js'
import { useTempDir } from './support/temp-dir.js'
import { newWallet, signedSiwe } from './support/wallet.js'

const BIN = SIGIL_BIN

/** The real `sigil` binary as an operator runs it: a child process on a real socket. */
describe('sigil CLI', () => {
  const folder = useTempDir('sigil-cli-')
  let env: NodeJS.ProcessEnv
  let child: ChildProcess | undefined
  let url: string

  beforeAll(async () => {
    env = {
      PATH: process.env.PATH,
      SIGIL_DATABASE_URL: `sqlite:${join(folder(), 'sigil.db')}`,
      SIGIL_KEY_RING_REFRESH_SECONDS: '1',
      SIGIL_LOG_LEVEL: 'info',
    }
    const serve = await startSigilProcess(env)
    child = serve.child
    url = serve.url
  })
  afterAll(() => stopProcess(child)) // before the folder (registered earlier) is removed

  const jwksKids = async () =>
    ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    )

  it('default: `sigil serve` answers /healthz, serves OpenAPI and signs a wallet in over a real socket', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/nonce',
        '/v1/auth/siwe',
        '/v1/auth/refresh',
        '/v1/auth/me',
        '/.well-known/jwks.json',
      ]),
    )
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const { nonce, domain, scheme, uri } = (await (await post('/v1/auth/nonce', {})).json()) as {
      nonce: string
      domain: string
      scheme: string
      uri: string
    }
    // A plain-http deployment: EIP-4361 reads a message without a scheme as https, so it must say http.
    expect({ domain, scheme }).toEqual({ domain: 'localhost:9', scheme: 'http' })
    const wallet = newWallet()
    const { message, signature } = await signedSiwe(
      wallet,
      { nonce, domain, uri, scheme, statement: null },
      Date.now(),
    )
    const signIn = await post('/v1/auth/siwe', { message, signature })
    expect([signIn.status, signIn.status === 200 ? null : await signIn.clone().json()]).toEqual([200, null])
    const { accessToken } = (await signIn.json()) as { accessToken: string }
    const me = await fetch(`${url}/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })
    expect(((await me.json()) as { account: { address: string } }).account.address).toBe(wallet.address)
  })

  it('behavior: `sigil keys rotate` in another process reaches the running server without a restart', async () => {
    const before = await jwksKids()
    const rotate = spawnSync(process.execPath, [BIN, 'keys', 'rotate'], { env, encoding: 'utf8' })
    expect(rotate.status).toBe(0)
    const kid = /next signing key: (\S+) \(in the JWKS now, signing from \S+\)/.exec(rotate.stdout)?.[1]
    expect(kid).toBeDefined()
    expect(before).not.toContain(kid)
    // The server re-reads the ring every second here; poll its JWKS (bounded) until the key shows.
    let kids: string[] = []
    await eventually(
      5_000,
      async () => {
        kids = await jwksKids()
        return kids.includes(kid!)
      },
      100,
    )
    expect(kids).toEqual([...before, kid]) // published ahead; the signing key stays first until its time
  })

  it('error: a bad setting stops the process with a message naming the key (exit 78)', () => {
    const result = spawnSync(process.execPath, [BIN, 'serve'], {
      env: { ...env, SIGIL_ACCESS_TOKEN_TTL_SECONDS: 'ten', SIGIL_PORT: '70000' },
      encoding: 'utf8',
    })
    expect(result.status).toBe(78)
    expect(result.stderr).toMatch(/accessTokenTtlSeconds:/)
    expect(result.stderr).toMatch(/port:/)
  })

  it('behavior: `SIGIL_RATE_LIMITS=off` is said out loud at start', async () => {
    const quiet = await startSigilProcess({ ...env, SIGIL_RATE_LIMITS: 'off' })
    try {
      // Said before it listens, so it is already among the lines once the process is up.
      const warning = quiet.lines.find((line) => line.includes('rate limiting is OFF'))
      expect(JSON.parse(warning!)).toMatchObject({ level: 40 })
    } finally {
      await quiet.stop()
    }
  })

  it('error: an unknown command prints the usage (exit 2)', () => {
    const result = spawnSync(process.execPath, [BIN, 'frobnicate'], { env, encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/Usage: sigil/)
  })
})
