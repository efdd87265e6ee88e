import { readFileSync } from 'node:fs'
import { isUri, parseAuthority } from '@sigil/protocol'
import { Value } from '@sinclair/typebox/value'
import { type ConfigInput, ConfigSchema } from './config-schema.js'
import { type CountryCode, parseCountryCode } from './core/geo/country-codes.js'
import { normalizeIpRange } from './core/network/ip-allowlist.js'

export { type ConfigInput, ConfigSchema } from './config-schema.js'

/*
 * Loading the configuration (schema in config-schema.ts): sources merge as defaults < config file
 * < environment < command-line flags; every violation is reported at once, naming the key, and
 * the process stops. Derived values (SIWE bindings, cookie names) are filled in and checked here.
 */

/** The validated configuration with every derived value filled in. */
export type Config = Omit<ConfigInput, 'geoBlockedCountries'> & {
  /** Validated ISO 3166-1 codes, upper case (a code that names no country stops the boot). */
  geoBlockedCountries: CountryCode[]
  publicUrl: string
  siweDomain: string
  siweScheme: 'https' | 'http'
  siweUri: string
  jwtIssuer: string
  jwtAudience: string
  sessionCookieName: string
  /** Cookies get `Secure` and the `__Host-` prefix only on an https public URL. */
  sessionCookieSecure: boolean
  evedexSiweDomain: string
  evedexSiweUri: string
  ocxSiweDomain: string
  ocxSiweUri: string
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

/** Dialects must not mount over each other or over the native API; cookies must not share a name. */
function checkMounts(input: ConfigInput, sessionCookieName: string, problems: string[]) {
  const reserved = [`${input.nativePrefix}/v1`, '/.well-known', '/healthz', '/openapi.json']
  const prefixOf = { evedex: input.evedexPrefix, ocx: input.ocxPrefix, paradex: input.paradexPrefix }
  const mounts = input.dialects.map((d) => [d, prefixOf[d]] as const)
  for (const [dialect, prefix] of mounts) {
    if (
      prefix !== '' &&
      reserved.some((r) => prefix === r || prefix.startsWith(`${r}/`) || r.startsWith(`${prefix}/`))
    ) {
      problems.push(`${dialect}Prefix: ${prefix} overlaps the native API`)
    }
  }
  // Paradex paths start with /v1 like the native API's: the root takes a native API moved aside.
  if (input.dialects.includes('paradex') && input.paradexPrefix === '' && input.nativePrefix === '') {
    problems.push(
      'paradexPrefix: "" would mount Paradex over the native /v1 API (set nativePrefix, e.g. /sigil)',
    )
  }
  for (const [dialect, prefix] of mounts) {
    if (input.nativePrefix !== '' && prefix === input.nativePrefix) {
      problems.push(`${dialect}Prefix: the same prefix as nativePrefix`)
    }
  }
  for (const [index, [dialect, prefix]] of mounts.entries()) {
    const earlier = mounts.slice(0, index).find(([, other]) => other === prefix && prefix !== '')
    if (earlier) problems.push(`${dialect}Prefix: the same prefix as ${earlier[0]}Prefix`)
  }
  if (input.dialects.includes('ocx') && input.ocxSessionCookieName === sessionCookieName) {
    problems.push('ocxSessionCookieName: the same name as sessionCookieName')
  }
}

/**
 * The reverse-proxy target is a base every request is appended to: credentials in it would reach
 * the backend on every call (and leak into logs), and a query or fragment cannot be appended to.
 */
function checkUpstream(input: ConfigInput, problems: string[]) {
  const raw = input.paradexUpstreamUrl
  if (raw === undefined) return
  const bad = (why: string) => problems.push(`paradexUpstreamUrl: ${why}`)
  if (!input.dialects.includes('paradex')) bad('set, but the paradex dialect is not enabled (dialects)')
  if (!URL.canParse(raw)) {
    bad('not an absolute URL')
    return
  }
  const url = new URL(raw)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad('must be http or https')
  if (url.username || url.password) bad('must not carry credentials')
  // An empty `?` or `#` parses to an empty search or hash: look at the text.
  if (/[?#]/.test(raw)) bad('must not have a query or fragment')
  // Sigil's own routes win over the proxy; a public entry for one of them would be a second route.
  const own = ['system/config', 'onboarding', 'jwks.json', 'auth', 'auth/{public_key}']
  const shapes = new Set<string>()
  for (const path of input.paradexUpstreamPublicPaths) {
    if (own.includes(path)) problems.push(`paradexUpstreamPublicPaths: ${path} is served by Sigil itself`)
    const shape = path.replace(/\{[a-z_]+\}/g, '{}')
    if (shapes.has(shape)) problems.push(`paradexUpstreamPublicPaths: ${path} is listed twice`)
    shapes.add(shape)
  }
}

/**
 * Geo blocking fails closed at start, never open at run time: a code that names no country (`UK`
 * for GB) would block nobody, a header from no trusted proxy would never be believed, and a
 * blocklist with no way to locate anyone would refuse nobody (or, with geoBlockUnknown, everyone).
 */
function checkGeo(input: ConfigInput, problems: string[]): CountryCode[] {
  const codes: CountryCode[] = []
  for (const [i, text] of input.geoBlockedCountries.entries()) {
    const code = parseCountryCode(text)
    if (code) codes.push(code)
    else
      problems.push(
        `geoBlockedCountries/${i}: ${JSON.stringify(text)} is not an ISO 3166-1 alpha-2 country code${text.toUpperCase() === 'UK' ? ' (the United Kingdom is GB)' : ''}`,
      )
  }
  if (input.geoCountryHeader !== undefined && input.trustedProxies.length === 0)
    problems.push('geoCountryHeader: needs trustedProxies (the header is believed only from them)')
  const on = input.geoBlockedCountries.length > 0 || input.geoBlockUnknown
  if (on && input.geoCountryHeader === undefined && input.geoIpDatabase === undefined) {
    const key = input.geoBlockedCountries.length > 0 ? 'geoBlockedCountries' : 'geoBlockUnknown'
    problems.push(`${key}: set, but neither geoCountryHeader nor geoIpDatabase can tell a client's country`)
  }
  return [...new Set(codes)]
}

/** A SIWE binding that no message can satisfy must stop the server, not refuse every sign-in. */
function checkBinding(name: string, domain: string, uri: string, scheme: string, problems: string[]) {
  const authority = parseAuthority(domain)
  const port = authority?.port
  if (
    !authority ||
    authority.userinfo !== undefined ||
    authority.host === '' ||
    port === '' ||
    Number(port) > 65535
  ) {
    problems.push(`${name}Domain: must be an RFC 3986 authority (host[:port]) without userinfo or path`)
  }
  if (!isUri(uri)) problems.push(`${name}Uri: must be an RFC 3986 URI`)
  else if (!uri.startsWith(`${scheme}:`))
    problems.push(`${name}Uri: must use the public URL's scheme (${scheme})`)
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
  const bindings = {
    siwe: [siweDomain, siweUri],
    evedexSiwe: [input.evedexSiweDomain ?? siweDomain, input.evedexSiweUri ?? siweUri],
    ocxSiwe: [input.ocxSiweDomain ?? siweDomain, input.ocxSiweUri ?? siweUri],
  } as const
  for (const [name, [domain, uri]] of Object.entries(bindings))
    checkBinding(name, domain, uri, siweScheme, problems)
  const sessionCookieName =
    input.sessionCookieName ?? (siweScheme === 'https' ? '__Host-sigil_session' : 'sigil_session')
  checkMounts(input, sessionCookieName, problems)
  checkUpstream(input, problems)
  const geoBlockedCountries = checkGeo(input, problems)
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
    evedexSiweDomain: bindings.evedexSiwe[0],
    evedexSiweUri: bindings.evedexSiwe[1],
    ocxSiweDomain: bindings.ocxSiwe[0],
    ocxSiweUri: bindings.ocxSiwe[1],
    jwtIssuer: input.jwtIssuer ?? url.origin,
    jwtAudience: input.jwtAudience ?? url.origin,
    allowedOrigins: input.allowedOrigins.length > 0 ? input.allowedOrigins : [url.origin],
    sessionCookieName,
    sessionCookieSecure: url.protocol === 'https:',
    // Upper case, as every source is compared; header names as Node delivers them (lower case).
    geoBlockedCountries,
    ...(input.geoCountryHeader === undefined
      ? {}
      : { geoCountryHeader: input.geoCountryHeader.toLowerCase() }),
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
