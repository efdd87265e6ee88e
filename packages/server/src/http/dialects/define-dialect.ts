import type { Static, TObject, TProperties, TString } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.js'
import type { CoreDialect } from '../../core/dialect.js'
import type { Gateway } from '../../core/gateway.js'
import {
  type CompiledRoutePolicy,
  compileRoutePolicy,
  type RouteRule,
} from '../../core/policy/route-policy.js'
import type { SessionCookie } from '../plugins/session-cookie.js'
import type { DialectErrors } from './dialect-errors.js'

/** A dialect's settings: every key has a default or is optional; `prefix` says where it mounts. */
export type DialectSettingsSchema = TProperties & { prefix: TString }

/** What a dialect's routes and WebSocket endpoints are given when the app mounts them. */
export interface DialectContext<Settings, Services> {
  gateway: Gateway
  config: Config
  settings: Settings
  services: Services
  /** Its route policy, compiled (checked at start: config validation refuses a bad one). */
  policy: CompiledRoutePolicy | undefined
}

/**
 * One venue protocol (or Sigil's own API), declared in one place, as a better-auth plugin is one
 * object: `buildApp`, `createGateway` and config validation loop over the registry of these, so a
 * new venue is a new folder and a line in the registry. Methods (not function-valued properties)
 * on purpose: the registry holds dialects of different settings types side by side.
 */
export interface Dialect<
  Id extends string = string,
  P extends DialectSettingsSchema = DialectSettingsSchema,
  Services = unknown,
> {
  id: Id
  /**
   * The configuration slice: nested under `id` in the JSON file (`{"paradex": {"prefix": ""}}`),
   * `SIGIL_<ID>_<KEY>` in the environment (`SIGIL_PARADEX_PREFIX`).
   */
  settings: TObject<P>
  /** Always on (Sigil's own API); the others are switched by `dialects`. */
  required?: boolean
  /**
   * Paths it serves right under its prefix that no other API may take while it mounts at the root
   * (`/v1` for an API whose routes all start there). A non-empty prefix is its own mount point.
   */
  rootPaths?: readonly string[]
  /** What core builds for it: its SIWE binding, its services, its token lifetime, its channels. */
  core?: CoreDialect<Static<TObject<P>>, Services>
  /** Its error body; absent: RFC 9457 problem details, the app's own. */
  errors?: DialectErrors
  /** The session cookies it issues; every API accepts every one (a session is a session). */
  cookies?(settings: Static<TObject<P>>, config: Config): readonly SessionCookie[]
  routes(app: FastifyInstance, context: DialectContext<Static<TObject<P>>, Services>): Promise<void>
  /** Registers its WebSocket endpoints, under the same prefix and hooks as the routes. */
  websockets?(app: FastifyInstance, context: DialectContext<Static<TObject<P>>, Services>): void
  /**
   * The access of the paths it serves by policy rather than route by route (a reverse proxy's
   * catch-all), relative to its prefix; its routes mount it with `auth: { policy, prefix }`.
   */
  policy?(settings: Static<TObject<P>>): readonly RouteRule[] | undefined
  /** Checks that involve more than one key; each problem names the key (`paradex.upstreamUrl: …`). */
  check?(settings: Static<TObject<P>>, config: Config, problems: string[]): void
  /** Said once at start when a setting is legal but risky. */
  warnings?(settings: Static<TObject<P>>): readonly string[]
}

/** Declares a dialect, inferring its settings and services types for its own routes. */
export function defineDialect<const Id extends string, P extends DialectSettingsSchema, Services = undefined>(
  dialect: Dialect<Id, P, Services>,
): Dialect<Id, P, Services> {
  return dialect
}

/** A dialect's validated settings, typed by its declaration. */
export function settingsOf<P extends DialectSettingsSchema>(
  config: Config,
  dialect: Dialect<string, P, unknown>,
): Static<TObject<P>> & { prefix: string } {
  return config.dialectSettings[dialect.id] as Static<TObject<P>> & { prefix: string }
}

/** The dialects a configuration switches on (the required ones always), in registry order. */
export function enabledDialects(config: Config, registry: readonly Dialect[]): Dialect[] {
  return registry.filter((d) => d.required || config.dialects.includes(d.id))
}

/** A dialect's route policy, compiled; the reason names the rule that is wrong. */
export function dialectPolicy(
  dialect: Dialect,
  settings: Static<TObject<DialectSettingsSchema>>,
): { ok: true; value: CompiledRoutePolicy | undefined } | { ok: false; reason: string } {
  const rules = dialect.policy?.(settings)
  return rules === undefined ? { ok: true, value: undefined } : compileRoutePolicy(rules)
}
