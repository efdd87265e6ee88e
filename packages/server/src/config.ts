import { readFileSync } from 'node:fs'
import { isUri, parseAuthority } from '@sigil/protocol'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { normalizeIpRange } from './core/network/ip-allowlist.js'

/**
 * Sigil's whole configuration: one schema for defaults, validation, the `SIGIL_*` environment
 * mapping and docs/configuration.md. Sources merge as defaults < config file < environment <
 * command-line flags; every violation is reported at once, naming the key, and the process stops.
 */
const Seconds = (defaultValue: number, description: string, minimum = 1) =>
  Type.Integer({ minimum, default: defaultValue, description })

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Interface to listen on.' }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      description: 'TCP port (0: any free port).',
    }),
    publicUrl: Type.Optional(
      Type.String({
        description: 'Origin clients use to reach Sigil; default http://localhost:<port>. SIWE binds to it.',
      }),
    ),
    databaseUrl: Type.String({
      default: 'sqlite:./data/sigil.db',
      minLength: 1,
      description: 'sqlite:<path> (embedded default) or sqlite::memory:.',
    }),
    siweDomain: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Expected SIWE domain (authority); default: host[:port] of publicUrl.',
      }),
    ),
    siweUri: Type.Optional(
      Type.String({ minLength: 1, description: 'Expected SIWE URI; default: origin of publicUrl.' }),
    ),
    siweChainIds: Type.Array(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), {
      minItems: 1,
      default: [1],
      description: 'EIP-155 chain ids a SIWE message may name.',
    }),
    nonceTtlSeconds: Seconds(300, 'How long a sign-in nonce stays usable.'),
    issuedAtSkewSeconds: Seconds(60, 'How far in the future a SIWE Issued At may be (client clock skew).', 0),
    accessTokenTtlSeconds: Seconds(300, 'Lifetime of an access JWT.'),
    refreshTokenTtlSeconds: Seconds(2_592_000, 'Idle lifetime of a refresh token (30 days).'),
    sessionMaxAgeSeconds: Seconds(7_776_000, 'Absolute lifetime of a session, refreshed or not (90 days).'),
    jwtAlgorithm: Type.Union([Type.Literal('ES256'), Type.Literal('ES384'), Type.Literal('EdDSA')], {
      default: 'ES256',
      description: 'Signature algorithm of new signing keys.',
    }),
    jwtIssuer: Type.Optional(
      Type.String({ minLength: 1, description: 'JWT iss; default: origin of publicUrl.' }),
    ),
    jwtAudience: Type.Optional(
      Type.String({ minLength: 1, description: 'JWT aud; default: origin of publicUrl.' }),
    ),
    jwtClockToleranceSeconds: Seconds(5, 'Leeway for exp/nbf between replicas.', 0),
    keyRingRefreshSeconds: Seconds(5, 'How often a running server re-reads the signing-key ring.'),
    masterKey: Type.Optional(
      Type.String({
        pattern: '^(?:[0-9a-fA-F]{64}|[A-Za-z0-9_-]{43}=?)$',
        description: '32-byte key (64 hex chars or base64url) that encrypts signing keys at rest.',
      }),
    ),
    evmCrypto: Type.Union([Type.Literal('auto'), Type.Literal('native'), Type.Literal('noble')], {
      default: 'auto',
      description: 'secp256k1 backend: native libsecp256k1 with @noble fallback (auto), or one of them.',
    }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'Log level.' },
    ),
    bodyLimitBytes: Type.Integer({ minimum: 1024, default: 16_384, description: 'Largest request body.' }),
    allowedOrigins: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Origins allowed to send cookie-authenticated unsafe requests (CSRF); default: publicUrl.',
    }),
    trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Proxy addresses/CIDRs whose X-Forwarded-For is believed (right to left).',
    }),
    sessionCookieName: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'Session cookie name; default __Host-sigil_session (https) or sigil_session (http).',
      }),
    ),
    sessionCookieMaxAgeSeconds: Seconds(604_800, 'Lifetime of a session cookie (7 days).'),
    sessionCookieSliding: Type.Boolean({
      default: false,
      description: 'Renew the cookie lifetime on use (at most hourly), up to sessionMaxAgeSeconds.',
    }),
    invitesRequired: Type.Boolean({
      default: false,
      description: 'New accounts are pending (no trading) until they redeem an invite code.',
    }),
    apiKeysPerAccountMax: Type.Integer({
      minimum: 1,
      default: 50,
      description: 'Most active API keys per account.',
    }),
    rateLimits: Type.Union([Type.Literal('on'), Type.Literal('off')], {
      default: 'on',
      description:
        'Switch rate limiting off (for upstream limiting or benchmarks); a warning says so at start.',
    }),
    rateLimitSignInPerMinute: Type.Integer({
      minimum: 1,
      default: 300,
      description: 'Sign-in routes (nonce, SIWE, refresh), per client IP.',
    }),
    rateLimitAnonymousPerMinute: Type.Integer({
      minimum: 1,
      default: 120,
      description: 'Other routes without a valid credential, per client IP.',
    }),
    rateLimitAccountPerMinute: Type.Integer({
      minimum: 1,
      default: 600,
      description:
        "Session and JWT requests, per account (one budget shared by all the account's credentials).",
    }),
    rateLimitApiKeyPerMinute: Type.Integer({
      minimum: 1,
      default: 1200,
      description: "API-key requests: the account's shared budget may reach this higher limit (bots).",
    }),
  },
  { additionalProperties: false },
)

export type ConfigInput = Static<typeof ConfigSchema>

/** The validated configuration with every derived value filled in. */
export type Config = ConfigInput & {
  publicUrl: string
  siweDomain: string
  siweScheme: 'https' | 'http'
  siweUri: string
  jwtIssuer: string
  jwtAudience: string
  sessionCookieName: string
  /** Cookies get `Secure` and the `__Host-` prefix only on an https public URL. */
  sessionCookieSecure: boolean
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

export const CONFIG_KEYS = Object.keys(ConfigSchema.properties) as (keyof ConfigInput)[]

export const envName = (key: string) => `SIGIL_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`

const INTEGER_TEXT = /^(0|[1-9]\d*)$/

/**
 * Text (environment, flags) to the schema's type, strictly: `8080.9`, `1e2`, `0x89` or `true`
 * for a number stay text and fail validation, instead of being rounded into a different setting.
 */
function fromText(key: keyof ConfigInput, raw: string): unknown {
  const schema = ConfigSchema.properties[key] as { type?: string; items?: { type?: string } }
  const scalar = (type: string | undefined, text: string): unknown => {
    if (type === 'integer') return INTEGER_TEXT.test(text) ? Number(text) : text
    if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
    return text
  }
  if (schema.type === 'array') return raw.split(',').map((part) => scalar(schema.items?.type, part.trim()))
  return scalar(schema.type, raw)
}

function fromEnvironment(env: NodeJS.ProcessEnv, problems: string[]): Record<string, unknown> {
  const byName = new Map(CONFIG_KEYS.map((k) => [envName(k), k]))
  const values: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SIGIL_') || raw === undefined) continue
    const key = byName.get(name)
    if (!key) {
      problems.push(`${name}: unknown setting`)
      continue
    }
    values[key] = fromText(key, raw)
  }
  return values
}

function fromFile(path: string, problems: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
    problems.push(`${path}: must hold a JSON object`)
  } catch (error) {
    problems.push(`${path}: ${error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`)
  }
  return {}
}

function derive(input: ConfigInput, problems: string[]): Config | undefined {
  if (input.publicUrl === undefined && input.port === 0) {
    problems.push('publicUrl: required with port 0 (the origin SIWE binds to cannot be guessed)')
    return undefined
  }
  const publicUrl = input.publicUrl ?? `http://localhost:${input.port}`
  let url: URL
  try {
    url = new URL(publicUrl)
  } catch {
    problems.push('publicUrl: not a URL')
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('publicUrl: must be http or https')
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    problems.push('publicUrl: must be an origin (scheme://host[:port]) without path, query or credentials')
  }
  const siweScheme = url.protocol === 'https:' ? 'https' : 'http'
  const siweDomain = input.siweDomain ?? url.host
  const siweUri = input.siweUri ?? url.origin
  // A binding that no message can satisfy must stop the server, not refuse every sign-in.
  const authority = parseAuthority(siweDomain)
  const port = authority?.port
  if (
    !authority ||
    authority.userinfo !== undefined ||
    authority.host === '' ||
    port === '' ||
    Number(port) > 65535
  ) {
    problems.push('siweDomain: must be an RFC 3986 authority (host[:port]) without userinfo or path')
  }
  if (!isUri(siweUri)) problems.push('siweUri: must be an RFC 3986 URI')
  else if (!siweUri.startsWith(`${siweScheme}:`))
    problems.push(`siweUri: must use the public URL's scheme (${siweScheme})`)
  for (const [i, proxy] of input.trustedProxies.entries()) {
    const range = normalizeIpRange(proxy)
    if (!range) problems.push(`trustedProxies/${i}: not an IP address or CIDR range`)
    // Trusting every address is believing X-Forwarded-For from anyone: the header would pick the IP.
    else if (range.endsWith('/0')) problems.push(`trustedProxies/${i}: a /0 range would trust every client`)
  }
  return {
    ...input,
    publicUrl: url.origin,
    siweScheme,
    siweDomain,
    siweUri,
    jwtIssuer: input.jwtIssuer ?? url.origin,
    jwtAudience: input.jwtAudience ?? url.origin,
    allowedOrigins: input.allowedOrigins.length > 0 ? input.allowedOrigins : [url.origin],
    sessionCookieName:
      input.sessionCookieName ?? (url.protocol === 'https:' ? '__Host-sigil_session' : 'sigil_session'),
    sessionCookieSecure: url.protocol === 'https:',
  }
}

export interface ConfigSources {
  file?: string
  env?: NodeJS.ProcessEnv
  flags?: Record<string, unknown>
}

/** Builds the configuration or throws a ConfigError listing every problem. */
export function loadConfig({ file, env = {}, flags = {} }: ConfigSources = {}): Config {
  const problems: string[] = []
  const merged = {
    ...(file ? fromFile(file, problems) : {}),
    ...fromEnvironment(env, problems),
    ...Object.fromEntries(
      Object.entries(flags)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [
          k,
          typeof v === 'string' && k in ConfigSchema.properties ? fromText(k as keyof ConfigInput, v) : v,
        ]),
    ),
  }
  const candidate = Value.Default(ConfigSchema, Value.Clone(merged))
  for (const error of Value.Errors(ConfigSchema, candidate)) {
    const key = error.path.replace(/^\//, '').replace(/\//g, '.') || '(root)'
    problems.push(
      error.message.startsWith('Unexpected property')
        ? `${key}: unknown setting`
        : `${key}: ${error.message}`,
    )
  }
  const config = problems.length === 0 ? derive(candidate as ConfigInput, problems) : undefined
  if (!config || problems.length > 0) throw new ConfigError([...new Set(problems)])
  return config
}

/** The 32 raw bytes of the configured master key, if any. */
export function masterKeyBytes(config: Config): Uint8Array | undefined {
  if (!config.masterKey) return undefined
  return /^[0-9a-fA-F]{64}$/.test(config.masterKey)
    ? Buffer.from(config.masterKey, 'hex')
    : Buffer.from(config.masterKey, 'base64url')
}
