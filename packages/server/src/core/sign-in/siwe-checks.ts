import {
  addressToBytes,
  bytesEqual,
  type EvmCrypto,
  hashPersonalMessage,
  parseSiweMessage,
  recoverPersonalMessageSigner,
  type SiweMessage,
  type SiweValidationReason,
  validateSiweMessage,
} from '@sigil/protocol'
import type { ChainReader } from '../chain/chain-reader.js'
import {
  checkWalletSignatureShape,
  signatureCode,
  verifyWalletSignature,
} from '../chain/verify-wallet-signature.js'
import { AuthError, type AuthErrorCode } from '../errors.js'
import type { Address, ContractWalletCheck } from '../ports.js'

/** What a SIWE message must say to sign in here; from configuration only, never from the request. */
export interface SiweBinding {
  /** RFC 3986 authority, with the port when it is not the scheme's default. */
  domain: string
  scheme: 'https' | 'http'
  uri: string
  chainIds: readonly number[]
  issuedAtSkewMs: number
  /** Oldest acceptable Issued At: the nonce TTL, since no valid message can predate its nonce. */
  maxAgeMs: number
  /** When set, a message must carry an Expiration Time at most this long after Issued At. */
  expirationRequiredWithinMs?: number
}

const validationCode = {
  domain_mismatch: 'DOMAIN_MISMATCH',
  scheme_mismatch: 'SCHEME_MISMATCH',
  uri_mismatch: 'URI_MISMATCH',
  chain_not_allowed: 'CHAIN_NOT_ALLOWED',
  expired: 'MESSAGE_EXPIRED',
  not_yet_valid: 'MESSAGE_NOT_YET_VALID',
  issued_at_in_future: 'ISSUED_AT_INVALID',
  issued_at_too_old: 'ISSUED_AT_INVALID',
  // Issued At or Not Before at or after Expiration Time: a window that is already closed.
  time_window_invalid: 'MESSAGE_EXPIRED',
} as const satisfies Record<SiweValidationReason, AuthErrorCode>

/** What {@link checkSiweMessage} may use besides the message and the configuration. */
export interface SiweCheckDeps {
  /**
   * Its Keccak-256 checks the address's EIP-55 casing: the server's WASM one is several times
   * faster than @noble's, the default. It has passed its known-answer tests at start-up.
   */
  evmCrypto?: Pick<EvmCrypto, 'keccak256'> | undefined
  /** Contract wallets (see below). */
  chains?: Pick<ChainReader, 'supports'> | undefined
}

/**
 * The stateless half of SIWE verification, shared by every API that takes a SIWE message (the
 * nonce-based sign-in and Paradex's nonce-less v2 auth): strict parse, the binding and time
 * window from configuration, the Expiration Time rule, and the signature's shape. No curve math
 * and no store access, so callers can spend a nonce or look up an account before recovery.
 *
 * With `deps.chains` (contract wallets), a signature that is not a canonical 65-byte one still passes
 * when a node is configured for the message's chain and it is well-formed bounded hex: its
 * contract decides after the nonce is spent. Without a node for that chain, nothing changes.
 */
export function checkSiweMessage(
  message: string,
  signature: string,
  binding: SiweBinding,
  now: number,
  deps: SiweCheckDeps = {},
): SiweMessage {
  const parsed = parseSiweMessage(message, deps.evmCrypto ? { keccak256: deps.evmCrypto.keccak256 } : {})
  if (!parsed.ok) throw new AuthError('INVALID_SIWE_MESSAGE', parsed.reason, { detail: parsed.reason })
  const fields = parsed.value

  // Spelled out rather than `{ ...binding, now }`: V8 clones a spread into a new shape through a
  // slow path, measurably on every sign-in, and only these fields are expectations.
  const valid = validateSiweMessage(fields, {
    domain: binding.domain,
    scheme: binding.scheme,
    uri: binding.uri,
    chainIds: binding.chainIds,
    now,
    issuedAtSkewMs: binding.issuedAtSkewMs,
    maxAgeMs: binding.maxAgeMs,
  })
  if (!valid.ok) throw new AuthError(validationCode[valid.reason], valid.reason, { detail: valid.reason })
  if (binding.expirationRequiredWithinMs !== undefined) {
    const { expirationTimeMs, issuedAtMs } = fields
    if (expirationTimeMs === undefined) {
      throw new AuthError('INVALID_SIWE_MESSAGE', 'no expiration', { detail: 'expiration_time_required' })
    }
    if (expirationTimeMs - issuedAtMs > binding.expirationRequiredWithinMs) {
      throw new AuthError('INVALID_SIWE_MESSAGE', 'expiration too far', {
        detail: 'expiration_time_too_far',
      })
    }
  }

  checkWalletSignatureShape(signature, fields.chainId, deps.chains)
  return fields
}

/** EIP-191 recovery over the exact bytes received; the signer must be the message's address. */
export function verifySiweSigner(message: string, signature: string, address: Address, evmCrypto: EvmCrypto) {
  const signer = recoverPersonalMessageSigner(message, signature, evmCrypto)
  if (!signer.ok) throw new AuthError(signatureCode[signer.reason], signer.reason)
  if (!bytesEqual(signer.value, addressToBytes(address))) {
    throw new AuthError('INVALID_SIGNATURE', 'recovered signer is not the message address')
  }
}

/**
 * The signature check of a SIWE sign-in (verifyWalletSignature over the EIP-191 hash of the exact
 * message received): local recovery first, then EIP-6492 / EIP-1271 on the message's own chain.
 */
export function verifySiweSignature(
  input: { message: string; signature: string; address: Address; chainId: number },
  deps: { evmCrypto: EvmCrypto; chains?: ChainReader | undefined; beforeChainCall?: () => Promise<void> },
): Promise<{ contractWallet: false } | { contractWallet: true; check: ContractWalletCheck }> {
  const { message, ...rest } = input
  const digest = hashPersonalMessage(message, deps.evmCrypto)
  return verifyWalletSignature({ digest, ...rest }, deps)
}
