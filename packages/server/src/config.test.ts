import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, envName, loadConfig } from './config.js'
import { settingsOf } from './http/dialects/define-dialect.js'
import { paradexDialect } from './http/dialects/paradex/index.js'

const dir = mkdtempSync(join(tmpdir(), 'sigil-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const paradex = (config: ReturnType<typeof loadConfig>) => settingsOf(config, paradexDialect)

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('default: every default, with SIWE and JWT bound to the public URL', () => {
    const config = loadConfig()
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      databaseUrl: 'sqlite:./data/sigil.db',
      siweDomain: 'localhost:8080',
      siweScheme: 'http',
      siweUri: 'http://localhost:8080',
      siweChainIds: [1],
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 2_592_000,
      nonceTtlSeconds: 300,
      issuedAtSkewSeconds: 60,
      jwtAlgorithm: 'ES256',
      jwtIssuer: 'http://localhost:8080',
    })
  })

  it('behavior: https public URL on the default port binds the bare host', () => {
    const config = loadConfig({ flags: { publicUrl: 'https://venue.example:443' } })
    expect(config).toMatchObject({
      siweDomain: 'venue.example',
      siweScheme: 'https',
      siweUri: 'https://venue.example',
    })
  })

  it('behavior: precedence is defaults < file < environment < flags, and env values are converted', () => {
    const file = join(dir, 'sigil.json')
    writeFileSync(file, JSON.stringify({ port: 7000, accessTokenTtlSeconds: 120, logLevel: 'warn' }))
    const config = loadConfig({
      file,
      env: { SIGIL_PORT: '7001', SIGIL_SIWE_CHAIN_IDS: '1, 8453', SIGIL_LOG_LEVEL: 'error' },
      flags: { port: '7002' },
    })
    expect(config).toMatchObject({
      port: 7002,
      accessTokenTtlSeconds: 120,
      siweChainIds: [1, 8453],
      logLevel: 'error',
    })
  })

  it('behavior: environment names are SIGIL_ + the key in screaming snake case', () => {
    expect(envName('accessTokenTtlSeconds')).toBe('SIGIL_ACCESS_TOKEN_TTL_SECONDS')
    expect(envName('publicUrl')).toBe('SIGIL_PUBLIC_URL')
    expect(envName('paradex.upstreamUrl')).toBe('SIGIL_PARADEX_UPSTREAM_URL')
  })

  it('behavior: a dialect’s settings nest under its id in the file and merge key by key with the environment', () => {
    const file = join(dir, 'nested.json')
    writeFileSync(
      file,
      JSON.stringify({ native: { prefix: '/sigil' }, paradex: { prefix: '', jwtTtlSeconds: 60 } }),
    )
    const config = loadConfig({ file, env: { SIGIL_PARADEX_JWT_TTL_SECONDS: '120' } })
    expect(paradex(config)).toMatchObject({ prefix: '', jwtTtlSeconds: 120, wsPingIntervalSeconds: 55 })
    expect(config.dialectSettings.native).toMatchObject({ prefix: '/sigil' })
    // A flag may name a dialect's setting by its dotted key, and wins over both.
    expect(paradex(loadConfig({ file, flags: { 'paradex.jwtTtlSeconds': 30 } })).jwtTtlSeconds).toBe(30)
  })

  it('error: an unknown key inside a dialect, or a dialect slice that is not an object', () => {
    const file = join(dir, 'unknown-nested.json')
    writeFileSync(file, JSON.stringify({ paradex: { prefx: '' } }))
    expect(problemsOf(() => loadConfig({ file }))).toContain('paradex.prefx: unknown setting')
    expect(problemsOf(() => loadConfig({ flags: { ocx: 'on' } })).join('\n')).toMatch(/^ocx: /m)
    expect(problemsOf(() => loadConfig({ env: { SIGIL_PARADEX_PREFX: '' } }))).toContain(
      'SIGIL_PARADEX_PREFX: unknown setting',
    )
  })

  it('error: every bad value is reported at once, naming its key', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          SIGIL_PORT: '99999',
          SIGIL_JWT_ALGORITHM: 'HS256',
          SIGIL_NONCE_TTL_SECONDS: 'soon',
          SIGIL_PROT: '1',
        },
      }),
    )
    expect(problems.some((p) => p.startsWith('port:'))).toBe(true)
    expect(problems.some((p) => p.startsWith('jwtAlgorithm:'))).toBe(true)
    expect(problems.some((p) => p.startsWith('nonceTtlSeconds:'))).toBe(true)
    expect(problems).toContain('SIGIL_PROT: unknown setting')
  })

  it.each([
    ['a path', 'https://venue.example/app'],
    ['credentials', 'https://user:pw@venue.example'],
    ['another scheme', 'ftp://venue.example'],
    ['not a URL', 'venue'],
  ])('error: a public URL with %s', (_name, publicUrl) => {
    expect(problemsOf(() => loadConfig({ flags: { publicUrl } })).join()).toMatch(/^publicUrl:/)
  })

  it('error: unknown keys and bad JSON in the config file', () => {
    const unknown = join(dir, 'a.json')
    writeFileSync(unknown, JSON.stringify({ prot: 1 }))
    expect(problemsOf(() => loadConfig({ file: unknown }))).toContain('prot: unknown setting')
    const broken = join(dir, 'b.json')
    writeFileSync(broken, '{')
    expect(problemsOf(() => loadConfig({ file: broken }))[0]).toMatch(/not valid JSON/)
  })

  it('error: a master key that is not 32 bytes', () => {
    expect(problemsOf(() => loadConfig({ env: { SIGIL_MASTER_KEY: 'abcd' } }))[0]).toMatch(/^masterKey:/)
  })
})

describe('loadConfig: strict values', () => {
  it.each([
    ['SIGIL_SIWE_CHAIN_IDS', '1e2', 'siweChainIds'],
    ['SIGIL_SIWE_CHAIN_IDS', '137.99', 'siweChainIds'],
    ['SIGIL_SIWE_CHAIN_IDS', '0x89', 'siweChainIds'],
    ['SIGIL_NONCE_TTL_SECONDS', 'true', 'nonceTtlSeconds'],
    ['SIGIL_PORT', '8080.9', 'port'],
    ['SIGIL_PORT', ' 8080', 'port'],
    ['SIGIL_INVITES_REQUIRED', 'yes', 'invitesRequired'],
  ])('error: %s=%j is refused, not rounded into another value', (name, value, key) => {
    expect(problemsOf(() => loadConfig({ env: { [name]: value } })).join('\n')).toMatch(
      new RegExp(`^${key}`, 'm'),
    )
  })

  it('behavior: booleans and integers in text are read exactly', () => {
    expect(
      loadConfig({
        env: { SIGIL_INVITES_REQUIRED: 'true', SIGIL_PORT: '0', SIGIL_PUBLIC_URL: 'http://localhost:1' },
      }),
    ).toMatchObject({
      invitesRequired: true,
      port: 0,
    })
  })

  it.each([
    ['SIGIL_SIWE_DOMAIN', 'app.example/login', 'siweDomain'],
    ['SIGIL_SIWE_DOMAIN', 'evil@app.example', 'siweDomain'],
    ['SIGIL_SIWE_DOMAIN', 'app.example:99999', 'siweDomain'],
    ['SIGIL_SIWE_URI', 'not a uri', 'siweUri'],
    ['SIGIL_SIWE_URI', 'https://localhost:8080', 'siweUri'],
    ['SIGIL_TRUSTED_PROXIES', '10.0.0.0/8,proxy.internal', 'trustedProxies/1'],
  ])('error: a SIWE binding or proxy list no request can meet stops the boot (%s=%j)', (name, value, key) => {
    expect(problemsOf(() => loadConfig({ env: { [name]: value } })).join('\n')).toMatch(
      new RegExp(`^${key}`, 'm'),
    )
  })

  it('error: port 0 needs an explicit public URL; a public URL with a password is refused', () => {
    expect(problemsOf(() => loadConfig({ flags: { port: '0' } }))[0]).toMatch(
      /^publicUrl: required with port 0/,
    )
    expect(problemsOf(() => loadConfig({ flags: { publicUrl: 'http://:pw@host' } }))[0]).toMatch(
      /^publicUrl:/,
    )
  })
})

describe('loadConfig: dialect mounts', () => {
  it.each([
    [{ 'ocx.prefix': '/x', 'evedex.prefix': '/x' }, /^ocx.prefix: the same prefix as evedex.prefix/],
    [{ 'ocx.prefix': '/v1' }, /^ocx.prefix: \/v1 overlaps the native API/],
    [{ 'evedex.prefix': '/v1/auth' }, /^evedex.prefix: \/v1\/auth overlaps the native API/],
    [{ 'evedex.prefix': '/healthz' }, /^evedex.prefix: \/healthz overlaps the app's own \/healthz/],
    [{ 'paradex.prefix': '' }, /^paradex.prefix: "" mounts \/v1 over the native API/],
    [
      { 'ocx.sessionCookieName': 'sigil_session' },
      /^ocx.sessionCookieName: the same name as sessionCookieName/,
    ],
  ])('error: %j would collide at start', (flags, problem) => {
    expect(problemsOf(() => loadConfig({ flags })).join('\n')).toMatch(problem)
  })

  it('behavior: both dialects may share the root with the native API', () => {
    const config = loadConfig({ flags: { 'ocx.prefix': '', 'evedex.prefix': '' } })
    expect(config.dialectSettings).toMatchObject({ ocx: { prefix: '' }, evedex: { prefix: '' } })
  })

  it('behavior: a switched-off dialect is not checked, but a setting given for it is an error', () => {
    expect(() => loadConfig({ flags: { dialects: ['evedex'] } })).not.toThrow()
    expect(problemsOf(() => loadConfig({ flags: { dialects: ['evedex'], 'ocx.prefix': '/v1' } }))).toEqual([
      'ocx.prefix: set, but the ocx dialect is not enabled (dialects)',
    ])
  })
})

describe('loadConfig: the Paradex upstream (reverse-proxy mode)', () => {
  it('default: unset (no proxying), a 10 s timeout', () => {
    const config = loadConfig()
    expect(paradex(config).upstreamUrl).toBeUndefined()
    expect(paradex(config).upstreamTimeoutSeconds).toBe(10)
  })

  it('behavior: an http(s) URL, with or without a base path, from the environment too', () => {
    expect(
      paradex(loadConfig({ flags: { 'paradex.upstreamUrl': 'http://10.0.0.5:9000' } })).upstreamUrl,
    ).toBe('http://10.0.0.5:9000')
    const env = {
      SIGIL_PARADEX_UPSTREAM_URL: 'https://backend.internal/api/',
      SIGIL_PARADEX_UPSTREAM_TIMEOUT_SECONDS: '3',
    }
    expect(paradex(loadConfig({ env }))).toMatchObject({
      upstreamUrl: 'https://backend.internal/api/',
      upstreamTimeoutSeconds: 3,
    })
  })

  it.each([
    ['backend.internal:9000', /must be http or https/],
    ['/v1', /not an absolute URL/],
    ['ftp://backend.internal', /must be http or https/],
    ['http://user:secret@backend.internal', /must not carry credentials/],
    ['http://user@backend.internal', /must not carry credentials/],
    ['http://backend.internal/?token=x', /must not have a query or fragment/],
    ['http://backend.internal/?', /must not have a query or fragment/],
    ['http://backend.internal/#x', /must not have a query or fragment/],
    ['', /length greater or equal to 1/],
  ])('error: %j stops the boot', (upstreamUrl, problem) => {
    const problems = problemsOf(() => loadConfig({ flags: { 'paradex.upstreamUrl': upstreamUrl } }))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^paradex.upstreamUrl: /)
    expect(problems[0]).toMatch(problem)
  })

  it('error: set without the paradex dialect, or a zero timeout', () => {
    const flags = { 'paradex.upstreamUrl': 'http://backend.internal', dialects: ['ocx'] }
    expect(problemsOf(() => loadConfig({ flags }))).toEqual([
      'paradex.upstreamUrl: set, but the paradex dialect is not enabled (dialects)',
    ])
    expect(problemsOf(() => loadConfig({ flags: { 'paradex.upstreamTimeoutSeconds': 0 } }))[0]).toMatch(
      /^paradex.upstreamTimeoutSeconds: /,
    )
  })
})

describe('loadConfig: chain RPC URLs (contract wallets)', () => {
  it('behavior: SIGIL_CHAIN_RPC_URLS is a list of chain id = URL pairs; the timeout defaults to 3 s', () => {
    const config = loadConfig({
      env: { SIGIL_CHAIN_RPC_URLS: '1=https://eth.example/v3/key, 8453=http://127.0.0.1:8545' },
    })
    expect(config.chainRpcUrls).toEqual({
      '1': 'https://eth.example/v3/key',
      '8453': 'http://127.0.0.1:8545',
    })
    expect(config.chainRpcTimeoutSeconds).toBe(3)
    expect(loadConfig({}).chainRpcUrls).toBeUndefined()
  })

  it.each([
    ['https://eth.example', 'not pairs'],
    ['x=https://eth.example', 'a chain id that is not a number'],
    ['0=https://eth.example', 'chain id 0'],
    ['1=ftp://eth.example', 'not http(s)'],
    ['1=https://a.example,1=https://b.example', 'a chain named twice'],
  ])('error: %s (%s)', (value) => {
    expect(problemsOf(() => loadConfig({ env: { SIGIL_CHAIN_RPC_URLS: value } }))[0]).toMatch(/^chainRpcUrls/)
  })
})
