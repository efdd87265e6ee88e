/**
 * Isolated-market accounts.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

/** An isolated-market account: a separate trading account that belongs to one main account. */
export interface IsolatedAccount {
  account: string
  parentAccountId: string
  market: string
  createdAt: number
}

export interface IsolatedAccountStore {
  /**
   * Links `account` to its parent only if the parent has fewer than `maxPerParent` links (counted
   * as `listByParent` lists them), else `limit_reached`, which wins over `exists` and `taken`.
   * `exists` when the same link is already there; `taken` when the account has another parent or
   * market. Count and insert are one atomic step: of N concurrent adds to a parent with room for
   * k more, exactly k are `added` (PostgreSQL: a `FOR NO KEY UPDATE` lock on the parent's account
   * row, see store/sql/dialect.ts). The outcome of a refused add is read after the refusal, not with it.
   */
  add(
    input: Omit<IsolatedAccount, 'createdAt'>,
    now: number,
    limit: { maxPerParent: number },
  ): Promise<
    | { status: 'added' | 'exists'; record: IsolatedAccount }
    | { status: 'taken' }
    | { status: 'limit_reached' }
  >
  /** The parent's links, minus any whose account has since become a main account (inert). A plain read. */
  listByParent(parentAccountId: string): Promise<IsolatedAccount[]>
  /** Unlinks the account; one statement, so of concurrent removals exactly one returns true. */
  remove(account: string): Promise<boolean>
}
