import type { TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import {
  checkBinding,
  checkGeo,
  checkMetricsAllowFrom,
  checkMounts,
  checkTimeouts,
  checkTrustedProxies,
} from './config-checks.js'
import type { BaseConfigInput } from './config-schema.js'
import {
  type ConfigEntry,
  configEntries,
  configSchema,
  fromEnvironment,
  fromFile,
  fromFlags,
  mergeSources,
} from './config-sources.js'
import { resolveSiweBinding } from './core/dialect.js'
import type { CountryCode } from './core/geo/country-codes.js'
import { compileRoutePolicy } from './core/policy/route-policy.js'
import { JWKS_MAX_AGE_SECONDS } from './core/tokens/create-key-ring.js'
import { type Dialect, dialectPolicy, settingsOf } from './http/dialects/define-dialect.js'
import { DIALECTS } from './http/dialects/registry.js'
import { checkUpstreamUrl } from './http/proxy/check-upstream-url.js'

export { type ConfigEntry, configEntries, envName } from './config-sources.js'

/*
 * Loading the configuration (the base schema in config-schema.ts, each dialect's slice in its own
 * folder): sources merge as defaults < config file < environment < command-line flags; every
 * violation is reported at once, naming the key, and the process stops. Derived values (public
 * URL, SIWE binding, cookie names) are filled in and checked here; each dialect checks its own.
 */

/** The validated configuration with every derived value filled in. */
export type Config = Omit<BaseConfigInput, 'geoBlockedCountries'> & {
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
  /** The dialects switched on besides the required ones, by id. */
  dialects: readonly string[]
  /** Every dialect's validated settings, by id: read through `settingsOf`, typed by the dialect. */
  dialectSettings: Readonly<Record<string, unknown>>
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

/** The schema of the shipped registry (docs/configuration.md lists it). */
export const ConfigSchema: TObject = configSchema(DIALECTS)
export const CONFIG_ENTRIES: readonly ConfigEntry[] = configEntries(DIALECTS)

type Input = BaseConfigInput & { dialects: string[] } & Record<string, unknown>

/** The public URL, and everything derived from it; undefined when there is none to derive from. */
function derivePublic(input: Input, problems: string[]) {
  if (input.publicUrl === undefined && input.port === 0) {
    problems.push('publicUrl: required with port 0 (the origin SIWE binds to cannot be guessed)')
    return undefined
  }
  let url: URL
  try {
    url = new URL(input.publicUrl ?? `http://localhost:${input.port}`)
  } catch {
    problems.push('publicUrl: not a URL')
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('publicUrl: must be http or https')
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    problems.push('publicUrl: must be an origin (scheme://host[:port]) without path, query or credentials')
  }
  const siweScheme: 'https' | 'http' = url.protocol === 'https:' ? 'https' : 'http'
  return {
    publicUrl: url.origin,
    siweScheme,
    siweDomain: input.siweDomain ?? url.host,
    siweUri: input.siweUri ?? url.origin,
    jwtIssuer: input.jwtIssuer ?? url.origin,
    jwtAudience: input.jwtAudience ?? url.origin,
    allowedOrigins: input.allowedOrigins.length > 0 ? input.allowedOrigins : [url.origin],
    sessionCookieName:
      input.sessionCookieName ?? (siweScheme === 'https' ? '__Host-sigil_session' : 'sigil_session'),
    sessionCookieSecure: siweScheme === 'https',
  }
}

/** Every enabled dialect: its mount, its SIWE binding, and its own checks. */
function checkDialects(config: Config, registry: readonly Dialect[], problems: string[]) {
  const enabled = registry.filter((d) => d.required || config.dialects.includes(d.id))
  checkMounts(
    enabled.map((dialect) => ({ dialect, prefix: settingsOf(config, dialect).prefix })),
    problems,
  )
  const base = { domain: config.siweDomain, uri: config.siweUri, chainIds: config.siweChainIds }
  checkBinding({ domain: 'siweDomain', uri: 'siweUri' }, base, config.siweScheme, problems)
  for (const dialect of enabled) {
    const settings = settingsOf(config, dialect)
    const own = dialect.core?.siwe?.(settings, base)
    if (own && (own.domain !== undefined || own.uri !== undefined)) {
      const keys = { domain: `${dialect.id}.siweDomain`, uri: `${dialect.id}.siweUri` }
      checkBinding(keys, resolveSiweBinding(base, own), config.siweScheme, problems)
    }
    const policy = dialectPolicy(dialect, settings)
    if (!policy.ok) problems.push(`${dialect.id}: route policy: ${policy.reason}`)
    dialect.check?.(settings, config, problems)
  }
}

function derive(input: Input, registry: readonly Dialect[], problems: string[]): Config | undefined {
  const derived = derivePublic(input, problems)
  if (!derived) return undefined
  const geoBlockedCountries = checkGeo(input, problems)
  checkTrustedProxies(input.trustedProxies, problems)
  checkTimeouts(input, problems)
  if (input.routePolicy !== undefined) {
    const policy = compileRoutePolicy(input.routePolicy)
    if (!policy.ok) problems.push(`routePolicy: ${policy.reason}`)
  }
  checkUpstreamUrl(input.upstreamUrl, 'upstreamUrl', problems)
  if (input.hmacSignedRequests && !input.masterKey)
    problems.push(
      'hmacSignedRequests: needs masterKey (SIGIL_MASTER_KEY): the shared secrets are stored sealed under it',
    )
  // Every replica must have loaded and published the next key, and every cache have refetched.
  const leastLead = JWKS_MAX_AGE_SECONDS + input.keyRingRefreshSeconds
  if (input.signingKeyLeadSeconds < leastLead)
    problems.push(
      `signingKeyLeadSeconds: at least ${leastLead} (the JWKS cache lifetime, ${JWKS_MAX_AGE_SECONDS} s, plus keyRingRefreshSeconds)`,
    )
  const metricsAllowFrom = checkMetricsAllowFrom(input.metricsAllowFrom, problems)
  const dialectSettings = Object.fromEntries(registry.map((d) => [d.id, input[d.id]]))
  const base = Object.fromEntries(Object.entries(input).filter(([key]) => !(key in dialectSettings)))
  const config: Config = {
    ...(base as BaseConfigInput),
    ...derived,
    dialects: input.dialects,
    dialectSettings,
    // Upper case, as every source is compared; header names as Node delivers them (lower case).
    geoBlockedCountries,
    metricsAllowFrom,
    ...(input.geoCountryHeader === undefined
      ? {}
      : { geoCountryHeader: input.geoCountryHeader.toLowerCase() }),
  }
  checkDialects(config, registry, problems)
  return config
}

/** A setting given for a dialect that is switched off is a mistake (an upstream that proxies nothing). */
function checkUnusedSettings(
  given: Record<string, unknown>,
  input: Input,
  registry: readonly Dialect[],
  problems: string[],
) {
  for (const dialect of registry) {
    if (dialect.required || input.dialects.includes(dialect.id)) continue
    const slice = given[dialect.id]
    for (const key of Object.keys(typeof slice === 'object' && slice !== null ? slice : {}))
      problems.push(`${dialect.id}.${key}: set, but the ${dialect.id} dialect is not enabled (dialects)`)
  }
}

export interface ConfigSources {
  file?: string
  env?: NodeJS.ProcessEnv
  flags?: Record<string, unknown>
}

/**
 * Builds the configuration or throws a ConfigError listing every problem. `registry`: the
 * dialects Sigil speaks (the shipped ones unless a test brings its own).
 */
export function loadConfig(
  { file, env = {}, flags = {} }: ConfigSources = {},
  registry: readonly Dialect[] = DIALECTS,
): Config {
  const problems: string[] = []
  const schema = registry === DIALECTS ? ConfigSchema : configSchema(registry)
  const entries = registry === DIALECTS ? CONFIG_ENTRIES : configEntries(registry)
  const merged = mergeSources(
    [
      file ? fromFile(file, problems) : {},
      fromEnvironment(env, entries, problems),
      fromFlags(flags, entries),
    ],
    new Set(registry.map((d) => d.id)),
  )
  const candidate = Value.Default(schema, Value.Clone(merged))
  for (const error of Value.Errors(schema, candidate)) {
    const key = error.path.replace(/^\//, '').replace(/\//g, '.') || '(root)'
    problems.push(
      error.message.startsWith('Unexpected property')
        ? `${key}: unknown setting`
        : `${key}: ${error.message}`,
    )
  }
  if (problems.length === 0) checkUnusedSettings(merged, candidate as Input, registry, problems)
  const config = problems.length === 0 ? derive(candidate as Input, registry, problems) : undefined
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
