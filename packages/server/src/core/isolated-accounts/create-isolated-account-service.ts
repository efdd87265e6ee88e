import { feltToHex, MAX_ISOLATED_ACCOUNTS, parseHexFelt } from '@sigil/protocol'
import type { Clock } from '../clock.js'
import { AuthError } from '../errors.js'
import { MARKET_SYMBOL } from '../market.js'
import type { AccountStore, IsolatedAccount, IsolatedAccountStore } from '../ports.js'

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

  /** A Starknet main account's id is its canonical felt; any other id (a UUID) is taken as given. */
  const canonicalParent = (text: string) => {
    const parsed = parseHexFelt(text)
    return parsed.ok ? feltToHex(parsed.value) : text
  }

  return {
    async add(input: { parentAccountId: string; account: string; market: string }): Promise<IsolatedAccount> {
      const account = canonicalAccount(input.account)
      const parentAccountId = canonicalParent(input.parentAccountId)
      if (!MARKET_SYMBOL.test(input.market))
        throw new AuthError('VALIDATION_FAILED', 'market', { detail: 'market' })
      if (!(await deps.accounts.findById(parentAccountId))) {
        throw new AuthError('NOT_FOUND', 'no such main account', { detail: 'parent_account' })
      }
      // An isolated account is never a main account: a token for it would otherwise cover itself twice.
      if (account === parentAccountId || (await deps.accounts.findById(account))) {
        throw new AuthError('VALIDATION_FAILED', 'isolated account is a main account', { detail: 'account' })
      }
      // Every link goes into the token's claim, which verifiers bound: past it, no token would
      // verify. The store counts and links in one atomic step.
      const outcome = await deps.isolatedAccounts.add(
        { account, parentAccountId, market: input.market },
        deps.clock.now(),
        { maxPerParent: MAX_ISOLATED_ACCOUNTS },
      )
      if (outcome.status === 'limit_reached') {
        throw new AuthError('VALIDATION_FAILED', 'too many isolated accounts', {
          detail: 'too_many_isolated_accounts',
        })
      }
      if (outcome.status === 'taken') {
        throw new AuthError('VALIDATION_FAILED', 'isolated account linked elsewhere', {
          detail: 'account_taken',
        })
      }
      return outcome.record
    },

    list: (parentAccountId: string) => deps.isolatedAccounts.listByParent(canonicalParent(parentAccountId)),

    async remove(accountText: string): Promise<void> {
      if (!(await deps.isolatedAccounts.remove(canonicalAccount(accountText)))) {
        throw new AuthError('NOT_FOUND', 'no such isolated account', { detail: 'account' })
      }
    },
  }
}

export type IsolatedAccountService = ReturnType<typeof createIsolatedAccountService>
