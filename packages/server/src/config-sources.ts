import { readFileSync } from 'node:fs'
import { type TObject, type TSchema, Type } from '@sinclair/typebox'
import { BaseConfigSchema } from './config-schema.js'
import type { Dialect } from './http/dialects/define-dialect.js'

/*
 * Where settings come from (a JSON file, SIGIL_* variables, command-line flags) and the one schema
 * they are checked against: the base settings plus each dialect's slice, nested under its id.
 */

/** One setting: its key (`port`, or `paradex.prefix` inside a dialect), environment name, schema. */
export interface ConfigEntry {
  key: string
  env: string
  schema: TSchema
}

/** `paradex.upstreamUrl` → `SIGIL_PARADEX_UPSTREAM_URL`. */
export const envName = (key: string) =>
  `SIGIL_${key
    .replace(/\./g, '_')
    .replace(/[A-Z]/g, (c) => `_${c}`)
    .toUpperCase()}`

/** The whole schema for a registry of dialects. */
export function configSchema(dialects: readonly Dialect[]): TObject {
  const optional = dialects.filter((d) => !d.required).map((d) => d.id)
  return Type.Object(
    {
      ...BaseConfigSchema.properties,
      dialects: Type.Array(Type.Union(optional.map((id) => Type.Literal(id))), {
        default: optional,
        uniqueItems: true,
        description: 'Venue protocols spoken besides the native API.',
      }),
      ...Object.fromEntries(
        dialects.map((d) => [
          d.id,
          Type.Object(d.settings.properties, { additionalProperties: false, default: {} }),
        ]),
      ),
    },
    { additionalProperties: false },
  )
}

/** Every setting, flattened: the base ones, then each dialect's. */
export function configEntries(dialects: readonly Dialect[]): ConfigEntry[] {
  const schema = configSchema(dialects)
  const ids = new Set(dialects.map((d) => d.id))
  return Object.entries(schema.properties).flatMap(([key, property]) =>
    ids.has(key)
      ? Object.entries((property as TObject).properties).map(([inner, s]) => ({
          key: `${key}.${inner}`,
          env: envName(`${key}.${inner}`),
          schema: s,
        }))
      : [{ key, env: envName(key), schema: property }],
  )
}

const INTEGER_TEXT = /^(0|[1-9]\d*)$/

/**
 * Text (environment, flags) to the schema's type, strictly: `8080.9`, `1e2`, `0x89` or `true`
 * for a number stay text and fail validation, instead of being rounded into a different setting.
 */
export function fromText(schema: TSchema, raw: string): unknown {
  const { type, items } = schema as { type?: string; items?: { type?: string } }
  const scalar = (t: string | undefined, text: string): unknown => {
    if (t === 'integer') return INTEGER_TEXT.test(text) ? Number(text) : text
    if (t === 'boolean') return text === 'true' ? true : text === 'false' ? false : text
    return text
  }
  // A list of objects (routePolicy) is JSON text; text that is not JSON stays text for validation to report.
  if (type === 'array' && items?.type === 'object') return jsonOrText(raw)
  if (type === 'array') return raw.split(',').map((part) => scalar(items?.type, part.trim()))
  if (type === 'object') return keyValuePairs(raw)
  return scalar(type, raw)
}

function jsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}

/**
 * `1=https://a,8453=https://b` to `{ "1": "https://a", "8453": "https://b" }`; text that is not
 * such a list stays text, and validation reports it.
 */
function keyValuePairs(raw: string): unknown {
  const pairs = raw.split(',').map((part) => part.trim())
  const entries: [string, string][] = []
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0) return raw
    entries.push([pair.slice(0, at).trim(), pair.slice(at + 1).trim()])
  }
  if (new Set(entries.map(([key]) => key)).size !== entries.length) return raw
  return Object.fromEntries(entries)
}

type Settings = Record<string, unknown>

const isPlainObject = (value: unknown): value is Settings =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Sets `a.b` to `value`, making `a` an object if needed. */
function setPath(target: Settings, key: string, value: unknown) {
  const [head, inner] = key.split('.') as [string, string | undefined]
  if (inner === undefined) {
    target[head] = value
    return
  }
  const slice = isPlainObject(target[head]) ? target[head] : {}
  target[head] = { ...slice, [inner]: value }
}

/**
 * Variables the `sigil` client commands read (login, whoami, api-keys…), not settings of the
 * server: a shell that has them set for the client can still run `sigil serve`. docs/cli.md lists
 * them; none may ever be a setting's name (test/cli.client.test.ts checks).
 */
export const CLIENT_VARIABLES: readonly string[] = ['SIGIL_URL', 'SIGIL_PRIVATE_KEY']

export function fromEnvironment(
  env: NodeJS.ProcessEnv,
  entries: readonly ConfigEntry[],
  problems: string[],
): Settings {
  const byName = new Map(entries.map((e) => [e.env, e]))
  const values: Settings = {}
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SIGIL_') || raw === undefined || CLIENT_VARIABLES.includes(name)) continue
    const entry = byName.get(name)
    if (!entry) problems.push(`${name}: unknown setting`)
    else setPath(values, entry.key, fromText(entry.schema, raw))
  }
  return values
}

export function fromFile(path: string, problems: string[]): Settings {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (isPlainObject(parsed)) return parsed
    problems.push(`${path}: must hold a JSON object`)
  } catch (error) {
    problems.push(`${path}: ${error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`)
  }
  return {}
}

/**
 * Flags as given (the CLI's are text; tests pass typed values): a dialect's setting by its dotted
 * key (`paradex.prefix`) or as a nested object, text for a known setting read as the environment's
 * would be, undefined meaning "not given".
 */
export function fromFlags(flags: Settings, entries: readonly ConfigEntry[]): Settings {
  const byKey = new Map(entries.map((e) => [e.key, e]))
  const values: Settings = {}
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue
    const entry = byKey.get(key)
    setPath(values, key, typeof value === 'string' && entry ? fromText(entry.schema, value) : value)
  }
  return values
}

/**
 * Later sources win, key by key; a dialect's slice merges key by key too, so the file can set
 * `paradex.prefix` and the environment `SIGIL_PARADEX_UPSTREAM_URL`.
 */
export function mergeSources(sources: readonly Settings[], dialectIds: ReadonlySet<string>): Settings {
  const merged: Settings = {}
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      const earlier = merged[key]
      merged[key] =
        dialectIds.has(key) && isPlainObject(earlier) && isPlainObject(value)
          ? { ...earlier, ...value }
          : value
    }
  }
  return merged
}
