import type { Config } from '../config.js'
import { systemClock } from '../core/clock.js'
import { isAuthError } from '../core/errors.js'
import { createInviteService } from '../core/invites/create-invite-service.js'
import { createIsolatedAccountService } from '../core/isolated-accounts/create-isolated-account-service.js'
import type { Address, Stores } from '../core/ports.js'
import { openStores } from '../store/open-stores.js'

export type CliValues = Record<string, string | boolean | undefined>

async function withStores<T>(config: Config, work: (stores: Stores) => Promise<T>): Promise<T> {
  const stores = await openStores(config.databaseUrl)
  try {
    return await work(stores)
  } finally {
    await stores.close()
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
  return withStores(config, async (stores) => {
    const invites = createInviteService(stores.invites, systemClock)
    for (let i = 0; i < count; i++) {
      console.log(await invites.create({ uses, ...(expiresInDays === undefined ? {} : { expiresInDays }) }))
    }
    return 0
  })
}

/** `sigil audit [--account ID|0xADDRESS] [--since ISO-8601] [--limit N]`: JSON lines, oldest first. */
export function printAudit(config: Config, values: CliValues): Promise<number> {
  const since = typeof values.since === 'string' ? Date.parse(values.since) : undefined
  if (Number.isNaN(since)) throw new Error('--since must be an ISO 8601 date or date-time')
  const limit = positiveInteger(values, 'limit') ?? 1000
  return withStores(config, async (stores) => {
    let accountId = typeof values.account === 'string' ? values.account : undefined
    if (accountId?.startsWith('0x')) {
      const account = await stores.accounts.findByAddress(accountId as Address)
      if (!account) throw new Error('no account has that address')
      accountId = account.id
    }
    const events = await stores.audit.query({
      limit,
      ...(accountId === undefined ? {} : { accountId }),
      ...(since === undefined ? {} : { since }),
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
  return withStores(config, async (stores) => {
    const service = createIsolatedAccountService({
      isolatedAccounts: stores.isolatedAccounts,
      accounts: stores.accounts,
      clock: systemClock,
    })
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

/** `sigil keys list`: read-only (it never generates or rotates), one key a line, newest first. */
export function listKeys(config: Config): Promise<number> {
  return withStores(config, async (stores) => {
    const keys = await stores.signingKeys.list()
    for (const key of keys.reverse()) {
      const state =
        key.retiredAt === undefined ? 'active' : `retired ${new Date(key.retiredAt).toISOString()}`
      console.log(`${key.kid}  ${key.alg}  created ${new Date(key.createdAt).toISOString()}  ${state}`)
    }
    return 0
  })
}

/** `scheme://user:password@host/db` → `scheme://***@host/db`, for printing. */
export function redactUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@')
}
