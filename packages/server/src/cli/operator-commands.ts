import type { Config } from '../config.js'
import type { OperatorActions } from '../core/create-operator-actions.js'
import { isAuthError } from '../core/errors.js'
import { createSigil } from '../create-sigil.js'
import { redactUrlCredentials, redactUrlToOrigin } from '../redact-url.js'
import { migrateDatabase } from '../store/open-stores.js'

export type CliValues = Record<string, string | boolean | undefined>

/** Builds Sigil as the operator uses it (no key ring loaded, no HTTP app) for one command. */
async function asOperator<T>(config: Config, work: (operator: OperatorActions) => Promise<T>): Promise<T> {
  const sigil = await createSigil(config, { role: 'operator' })
  try {
    return await work(sigil.gateway.operator)
  } finally {
    await sigil.close()
  }
}

function positiveInteger(values: CliValues, flag: string): number | undefined {
  const raw = values[flag]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1)
    throw new Error(`--${flag} must be a whole number ≥ 1`)
  return n
}

/** `sigil invites create [--uses N] [--expires-in DAYS] [--count K]`: prints one code a line, once. */
export function createInvites(config: Config, values: CliValues): Promise<number> {
  const uses = positiveInteger(values, 'uses') ?? 1
  const expiresInDays = positiveInteger(values, 'expires-in')
  const count = positiveInteger(values, 'count') ?? 1
  return asOperator(config, async (operator) => {
    for (let i = 0; i < count; i++) {
      console.log(
        await operator.createInvite({ uses, ...(expiresInDays === undefined ? {} : { expiresInDays }) }),
      )
    }
    return 0
  })
}

/**
 * `sigil audit [--account ID|0xADDRESS] [--since ISO-8601] [--until ISO-8601] [--limit N]`: JSON
 * lines, oldest first; `--until` is exclusive, so `--until` the retention cut-off exports exactly
 * what the next sweep deletes (docs/deployment.md, Audit retention).
 */
export function printAudit(config: Config, values: CliValues): Promise<number> {
  const since = typeof values.since === 'string' ? Date.parse(values.since) : undefined
  if (Number.isNaN(since)) throw new Error('--since must be an ISO 8601 date or date-time')
  const until = typeof values.until === 'string' ? Date.parse(values.until) : undefined
  if (Number.isNaN(until)) throw new Error('--until must be an ISO 8601 date or date-time')
  const limit = positiveInteger(values, 'limit') ?? 1000
  const account = typeof values.account === 'string' ? values.account : undefined
  return asOperator(config, async (operator) => {
    const accountId = account === undefined ? undefined : await operator.accountIdOf(account)
    if (account !== undefined && accountId === undefined) throw new Error('no account has that address')
    const events = await operator.auditEvents({
      limit,
      ...(accountId === undefined ? {} : { accountId }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    })
    for (const event of events)
      console.log(JSON.stringify({ ...event, at: new Date(event.at).toISOString() }))
    return 0
  })
}

/**
 * `sigil isolated-accounts add <main-account> <isolated-account> --market M`, `list <main-account>`,
 * `remove <isolated-account>`: the links a Paradex token with PARADEX-AUTHORIZE-ISOLATED-MARKETS
 * covers. Refusals print their error code.
 */
export function manageIsolatedAccounts(config: Config, args: string[], values: CliValues): Promise<number> {
  const [action, first, second] = args
  return asOperator(config, async (operator) => {
    const service = operator.isolatedAccounts
    try {
      if (action === 'add' && first && second && typeof values.market === 'string') {
        const added = await service.add({ parentAccountId: first, account: second, market: values.market })
        console.log(JSON.stringify({ ...added, createdAt: new Date(added.createdAt).toISOString() }))
      } else if (action === 'list' && first && !second) {
        for (const link of await service.list(first))
          console.log(JSON.stringify({ ...link, createdAt: new Date(link.createdAt).toISOString() }))
      } else if (action === 'remove' && first && !second) {
        await service.remove(first)
      } else {
        throw new Error(
          'usage: sigil isolated-accounts add MAIN ISOLATED --market M | list MAIN | remove ISOLATED',
        )
      }
      return 0
    } catch (error) {
      if (!isAuthError(error)) throw error
      process.stderr.write(`sigil: ${error.code}${error.detail ? ` (${error.detail})` : ''}\n`)
      return 1
    }
  })
}

/**
 * `sigil migrate`: applies the pending migrations to the configured database (the only way a
 * PostgreSQL schema changes; SQLite also migrates at start), one line per migration applied.
 * Idempotent: a current database prints that it is current. Runs alone: no key ring, no server.
 */
export async function migrate(config: Config): Promise<number> {
  const applied = await migrateDatabase(config.databaseUrl)
  const where = redactUrlCredentials(config.databaseUrl)
  for (const name of applied) console.log(`applied ${name}`)
  console.log(
    applied.length === 0
      ? `${where}: schema up to date, nothing to apply`
      : `${where}: ${applied.length} migration(s) applied, schema up to date`,
  )
  return 0
}

/** `sigil keys list`: read-only (it never generates or rotates), one key a line, newest first. */
export function listKeys(config: Config): Promise<number> {
  return asOperator(config, async (operator) => {
    for (const key of await operator.listSigningKeys()) {
      const iso = (at: number) => new Date(at).toISOString()
      const from = key.activatesAt === undefined ? '' : `  signs from ${iso(key.activatesAt)}`
      const state =
        key.retiredAt !== undefined
          ? `${key.retiredAt > Date.now() ? 'retires' : 'retired'} ${iso(key.retiredAt)}`
          : (key.activatesAt ?? 0) > Date.now()
            ? 'scheduled'
            : 'active'
      console.log(`${key.kid}  ${key.alg}  created ${iso(key.createdAt)}${from}  ${state}`)
    }
    return 0
  })
}

/**
 * `sigil keys rotate [--now]`: schedules the next key (published now, signing after
 * `signingKeyLeadSeconds`), or with `--now` makes it sign at once (a compromised key; verifiers
 * with a cached JWKS refuse new tokens until they refetch it). Retention is the server's.
 */
export function rotateKeys(config: Config, values: CliValues): Promise<number> {
  return asOperator(config, async (operator) => {
    const { kid, activatesAt } = await operator.rotateSigningKey({ immediate: values.now === true })
    console.log(
      activatesAt <= Date.now()
        ? `active signing key: ${kid}`
        : `next signing key: ${kid} (in the JWKS now, signing from ${new Date(activatesAt).toISOString()})`,
    )
    return 0
  })
}

/** `sigil config print`: the effective configuration, dialect settings nested as in the file. */
export function printConfig(config: Config): number {
  const { dialectSettings, ...base } = config
  const shown = {
    ...base,
    ...dialectSettings,
    databaseUrl: redactUrlCredentials(config.databaseUrl),
    ...(config.redisUrl ? { redisUrl: redactUrlCredentials(config.redisUrl) } : {}),
    ...(config.masterKey ? { masterKey: '[redacted]' } : {}),
    ...(config.metricsToken ? { metricsToken: '[redacted]' } : {}),
    ...(config.publishToken ? { publishToken: '[redacted]' } : {}),
    ...(config.chainRpcUrls
      ? {
          chainRpcUrls: Object.fromEntries(
            Object.entries(config.chainRpcUrls).map(([chainId, url]) => [chainId, redactUrlToOrigin(url)]),
          ),
        }
      : {}),
  }
  console.log(JSON.stringify(shown, null, 2))
  return 0
}
