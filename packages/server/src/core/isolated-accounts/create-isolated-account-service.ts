import { feltToHex, parseHexFelt } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import type { AccountStore, IsolatedAccount, IsolatedAccountStore } from '../ports.js'

/** Paradex market symbols (`BTC-USD-PERP`, `ETH-USD-27DEC24-3000-C`): upper-case words and dashes. */
const MARKET = /^[A-Z0-9]{1,20}(-[A-Z0-9]{1,20}){0,5}$/

/**
 * Isolated-market accounts (Paradex): separate trading accounts, each tied to one main account.
 * A token issued with PARADEX-AUTHORIZE-ISOLATED-MARKETS covers the main account's isolated
 * accounts as they are at issuance. The trading backend (or an operator, via the CLI) registers
 * them; Sigil only keeps the link and hands it to tokens, the verify endpoint and the publish hub.
 */
export function createIsolatedAccountService(deps: {
  isolatedAccounts: IsolatedAccountStore
  accounts: AccountStore
  clock: Clock
}) {
  const canonicalAccount = (text: string) => {
    const parsed = parseHexFelt(text)
    if (!parsed.ok) throw new AuthError('STARKNET_ADDRESS_INVALID', 'isolated account', { detail: 'account' })
    return feltToHex(parsed.value)
  }

  return {
    async add(input: { parentAccountId: string; account: string; market: string }): Promise<IsolatedAccount> {
      const account = canonicalAccount(input.account)
      if (!MARKET.test(input.market)) throw new AuthError('VALIDATION_FAILED', 'market', { detail: 'market' })
      if (!(await deps.accounts.findById(input.parentAccountId))) {
        throw new AuthError('NOT_FOUND', 'no such main account', { detail: 'parent_account' })
      }
      // An isolated account is never a main account: a token for it would otherwise cover itself twice.
      if (account === input.parentAccountId || (await deps.accounts.findById(account))) {
        throw new AuthError('VALIDATION_FAILED', 'isolated account is a main account', { detail: 'account' })
      }
      const link = { account, parentAccountId: input.parentAccountId, market: input.market }
      const outcome = await deps.isolatedAccounts.add(link, deps.clock.now())
      if (outcome === 'taken') {
        throw new AuthError('VALIDATION_FAILED', 'isolated account linked elsewhere', {
          detail: 'account_taken',
        })
      }
      const stored = (await deps.isolatedAccounts.listByParent(input.parentAccountId)).find(
        (a) => a.account === account,
      )
      return stored!
    },

    list: (parentAccountId: string) => deps.isolatedAccounts.listByParent(parentAccountId),

    async remove(accountText: string): Promise<void> {
      if (!(await deps.isolatedAccounts.remove(canonicalAccount(accountText)))) {
        throw new AuthError('NOT_FOUND', 'no such isolated account', { detail: 'account' })
      }
    },
  }
}

export type IsolatedAccountService = ReturnType<typeof createIsolatedAccountService>
