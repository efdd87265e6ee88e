import type { Identity } from '../../../core/identity.js'
import { identityHeadersOf } from '../../identity-headers.js'

/** What `/v1/verify/read` and `/trade` answer for one identity: its headers and its JSON body. */
export interface VerifiedAnswer {
  headers: Readonly<Record<string, string>>
  /** `{accountId, credential, scopes}` (schema `Verified`), serialized. */
  body: string
}

const answers = new WeakMap<Identity, VerifiedAnswer>()

/**
 * The answer depends on the identity alone, and core hands the same identity object for every
 * request of a cached credential (a verified JWT, a cached API key): built once, then a WeakMap
 * lookup. The body is JSON.stringify of exactly the schema's three properties, in its order, which
 * is what the route's serializer would write.
 */
export function verifiedAnswerOf(identity: Identity): VerifiedAnswer {
  let answer = answers.get(identity)
  if (answer === undefined) {
    answer = Object.freeze({
      headers: Object.freeze({
        ...identityHeadersOf(identity),
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
      }),
      body: JSON.stringify({
        accountId: identity.accountId,
        credential: identity.via,
        scopes: identity.scopes,
      }),
    })
    answers.set(identity, answer)
  }
  return answer
}
