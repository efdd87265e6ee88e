import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, envName, loadConfig } from './config.js'

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
    const dir = mkdtempSync(join(tmpdir(), 'sigil-config-'))
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
    const dir = mkdtempSync(join(tmpdir(), 'sigil-config-'))
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
    [{ ocxPrefix: '/x', evedexPrefix: '/x' }, /^ocxPrefix: the same prefix as evedexPrefix/],
    [{ ocxPrefix: '/v1' }, /^ocxPrefix: \/v1 overlaps the native API/],
    [{ evedexPrefix: '/v1/auth' }, /^evedexPrefix: \/v1\/auth overlaps the native API/],
    [{ ocxSessionCookieName: 'sigil_session' }, /^ocxSessionCookieName: the same name as sessionCookieName/],
  ])('error: %j would collide at start', (flags, problem) => {
    expect(problemsOf(() => loadConfig({ flags })).join('\n')).toMatch(problem)
  })

  it('behavior: both dialects may share the root with the native API', () => {
    expect(loadConfig({ flags: { ocxPrefix: '', evedexPrefix: '' } })).toMatchObject({
      ocxPrefix: '',
      evedexPrefix: '',
    })
  })
})

describe('loadConfig: the Paradex upstream (reverse-proxy mode)', () => {
  it('default: unset (no proxying), a 10 s timeout', () => {
    const config = loadConfig()
    expect(config.paradexUpstreamUrl).toBeUndefined()
    expect(config.paradexUpstreamTimeoutSeconds).toBe(10)
  })

  it('behavior: an http(s) URL, with or without a base path, from the environment too', () => {
    expect(loadConfig({ flags: { paradexUpstreamUrl: 'http://10.0.0.5:9000' } }).paradexUpstreamUrl).toBe(
      'http://10.0.0.5:9000',
    )
    const env = {
      SIGIL_PARADEX_UPSTREAM_URL: 'https://backend.internal/api/',
      SIGIL_PARADEX_UPSTREAM_TIMEOUT_SECONDS: '3',
    }
    expect(loadConfig({ env })).toMatchObject({
      paradexUpstreamUrl: 'https://backend.internal/api/',
      paradexUpstreamTimeoutSeconds: 3,
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
  ])('error: %j stops the boot', (paradexUpstreamUrl, problem) => {
    const problems = problemsOf(() => loadConfig({ flags: { paradexUpstreamUrl } }))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^paradexUpstreamUrl: /)
    expect(problems[0]).toMatch(problem)
  })

  it('error: set without the paradex dialect, or a zero timeout', () => {
    const flags = { paradexUpstreamUrl: 'http://backend.internal', dialects: ['ocx'] }
    expect(problemsOf(() => loadConfig({ flags }))).toEqual([
      'paradexUpstreamUrl: set, but the paradex dialect is not enabled (dialects)',
    ])
    expect(problemsOf(() => loadConfig({ flags: { paradexUpstreamTimeoutSeconds: 0 } }))[0]).toMatch(
      /^paradexUpstreamTimeoutSeconds: /,
    )
  })
})
