/**
 * The two SNIP-12 rev-0 messages Paradex signs with the account's Stark key (Paradex §3.2, §4.3):
 * `Constant{action:"Onboarding"}` for `POST /v1/onboarding` and
 * `Request{method,path,body,timestamp,expiration}` for `POST /v1/auth`. Domain
 * `{name:"Paradex", chainId:<starknet_chain_id>, version:"1"}` (Paradex §2).
 *
 * Why this is not just `messageHash`: with @scure/starknet a full-size Pedersen costs about 2 ms,
 * and the generic path needs about 17 of them. Both hashes are left folds, so every prefix made
 * of constants (type hash, domain, method, path, body) is folded once and cached, leaving
 * 6 Pedersen calls per auth and 3 per onboarding (perf-baselines, design notes), and 5 and 2
 * for an account seen recently. A cached fold is kept as a Pedersen prefix point
 * (`pedersenPrefix`), so the call that continues it only adds its second input's bytes: two of
 * an auth's five calls cost a quarter of a full one.
 */
import { ok, type Result } from '../result.js'
import { createBoundedMemo } from './bounded-memo.js'
import { type FeltInput, toFelts } from './felt.js'
import { type PedersenPrefix, pedersenPrefix, pedersenWithPrefix } from './pedersen.js'
import {
  domainHash,
  foldPedersen,
  hashOnElements,
  pedersen,
  STARKNET_MESSAGE_PREFIX,
  typeHash,
} from './typed-data-hash.js'

/** Domain name and version of every Paradex message (the chain id comes from the config). */
export const PARADEX_DOMAIN_NAME = 'Paradex'
export const PARADEX_DOMAIN_VERSION = '1'

export const PARADEX_ONBOARDING_TYPE = 'Constant(action:felt)'
export const PARADEX_REQUEST_TYPE = 'Request(method:felt,path:felt,body:felt,timestamp:felt,expiration:felt)'

/**
 * What `/v1/auth` signs whatever URL was requested (Paradex §0 item 5, §4.3): the literal path
 * `/v1/auth` and an empty body, even when the client sent `{}`.
 */
export const PARADEX_AUTH_REQUEST = { method: 'POST', path: '/v1/auth', body: '' } as const

/** The outer message has 4 elements: prefix, domain, account, struct. */
const MESSAGE_LENGTH = 4n
/** The Request struct has 6 elements: type hash and 5 fields. */
const REQUEST_LENGTH = 6n

// The first two caches are keyed by the server's config and the dialect's constants, the third
// by account: ccxt re-authenticates every 180 s, so the same accounts come back, and the fold
// over [prefix, domain, account] saves one full-size Pedersen (about a sixth of an auth's hash).
/** chainId felt → fold of ["StarkNet Message", domainHash] from 0. */
const domainPrefixes = createBoundedMemo<bigint, bigint>(16)
/** "method:path:body" felts → fold of [typeHash(Request), method, path, body] from 0, as a prefix. */
const requestPrefixes = createBoundedMemo<string, PedersenPrefix>(16)
/** "chainId:account" felts → fold of ["StarkNet Message", domainHash, account] from 0, as a prefix. */
const accountPrefixes = createBoundedMemo<string, PedersenPrefix>(4096)
/**
 * "method:path:body:timestamp:expiration" felts → the Request struct hash. It depends on no
 * account: ccxt signs `expiration = timestamp + 180`, so every ccxt client that authenticates in
 * the same second signs the same struct, and under load most auths skip three of their five
 * Pedersen calls. Small, because only the current seconds recur.
 */
const requestStructs = createBoundedMemo<string, bigint>(64)
let onboardingStruct: bigint | undefined

function domainPrefix(chainId: bigint): bigint {
  return domainPrefixes.get(chainId, () => {
    const domain = domainHash({ name: PARADEX_DOMAIN_NAME, chainId, version: PARADEX_DOMAIN_VERSION })
    // The constant name and version and a felt chain id cannot fail to encode.
    if (!domain.ok) throw new Error('unreachable: Paradex domain is always encodable')
    return foldPedersen(0n, [STARKNET_MESSAGE_PREFIX, domain.value])
  })
}

/** H([prefix, domain, account, struct]) from the cached fold of its first three elements. */
function finishMessage(chainId: bigint, account: bigint, struct: bigint): bigint {
  const prefix = accountPrefixes.get(`${chainId}:${account}`, () =>
    pedersenPrefix(pedersen(domainPrefix(chainId), account)),
  )
  return pedersen(pedersenWithPrefix(prefix, struct), MESSAGE_LENGTH)
}

export interface ParadexOnboardingHashInput {
  /** `starknet_chain_id` from the config: the plain short string or its hex felt. */
  readonly chainId: FeltInput
  /** `PARADEX-STARKNET-ACCOUNT`. */
  readonly account: FeltInput
}

/**
 * msgHash of the Onboarding typed data (Paradex §3.2). It has no timestamp or nonce, so a
 * signature over it only proves that the key controls the address: it is replayable forever.
 *
 * @example
 * paradexOnboardingHash({ chainId: 'PRIVATE_SN_POTC_SEPOLIA', account: '0x37ff…c4a' })
 */
export function paradexOnboardingHash(input: ParadexOnboardingHashInput): Result<bigint, 'felt_invalid'> {
  const felts = toFelts({ chainId: input.chainId, account: input.account })
  if (!felts.ok) return felts
  // shortString("Onboarding") = 0x4f6e626f617264696e67; the struct hash is chain-independent.
  onboardingStruct ??= hashOnElements([typeHash(PARADEX_ONBOARDING_TYPE), 0x4f6e626f617264696e67n])
  return ok(finishMessage(felts.value.chainId, felts.value.account, onboardingStruct))
}

export interface ParadexRequestHashInput {
  readonly chainId: FeltInput
  readonly account: FeltInput
  /** For `/v1/auth`: {@link PARADEX_AUTH_REQUEST}. */
  readonly method: FeltInput
  readonly path: FeltInput
  readonly body: FeltInput
  /** `PARADEX-TIMESTAMP`, unix seconds. The caller validates it as an integer first (§4.4). */
  readonly timestamp: FeltInput
  /** `PARADEX-SIGNATURE-EXPIRATION`, unix seconds. */
  readonly expiration: FeltInput
}

/**
 * msgHash of the Request typed data (Paradex §4.3). Felt rules apply to every value (§1): a
 * timestamp given as `"1700000000"` or `1700000000` hashes the same, so validate header syntax
 * before calling; this function only encodes.
 *
 * @example
 * paradexRequestHash({
 *   chainId: 'PRIVATE_SN_POTC_SEPOLIA', account: '0x37ff…c4a', ...PARADEX_AUTH_REQUEST,
 *   timestamp: 1700000000, expiration: 1700000180,
 * })
 */
export function paradexRequestHash(input: ParadexRequestHashInput): Result<bigint, 'felt_invalid'> {
  // Named one by one: a caller's object may carry other properties that are not felts.
  const felts = toFelts({
    chainId: input.chainId,
    account: input.account,
    method: input.method,
    path: input.path,
    body: input.body,
    timestamp: input.timestamp,
    expiration: input.expiration,
  })
  if (!felts.ok) return felts
  const { chainId, account, method, path, body, timestamp, expiration } = felts.value
  const request = `${method}:${path}:${body}`
  const struct = requestStructs.get(`${request}:${timestamp}:${expiration}`, () => {
    const prefix = requestPrefixes.get(request, () =>
      pedersenPrefix(foldPedersen(0n, [typeHash(PARADEX_REQUEST_TYPE), method, path, body])),
    )
    return pedersen(pedersen(pedersenWithPrefix(prefix, timestamp), expiration), REQUEST_LENGTH)
  })
  return ok(finishMessage(chainId, account, struct))
}
