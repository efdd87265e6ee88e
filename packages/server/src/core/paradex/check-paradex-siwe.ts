import { deriveParadexEvmAccountAddress, feltToHex, type SiweMessage } from '@sigil/protocol'
import { AuthError } from '../errors.js'
import { checkSiweMessage, type SiweBinding } from '../sign-in/siwe-checks.js'
import { MAX_WINDOW_SECONDS } from './paradex-time-window.js'
import { parseStarknetAccount } from './parse-starknet-input.js'

/** What a Paradex v2 SIWE message signs for; the statement is fixed per purpose (Paradex §7). */
export type ParadexSiwePurpose = 'onboarding' | 'auth'

const STATEMENT = { onboarding: 'Paradex Onboarding', auth: 'Paradex Auth' } as const

/** A SIWE text is a few hundred bytes; its base64 is bounded well above that and below any abuse. */
const MAX_SIWE_HEADER_LENGTH = 4096
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
// ignoreBOM: a leading U+FEFF is kept (and then refused by the SIWE parser as non-ASCII) instead of
// being silently dropped, which made the header name bytes that were never checked (found by fuzzing).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * PARADEX-SIWE-MESSAGE: standard, padded base64 of the UTF-8 text. Decoded strictly (Node's own
 * decoder skips invalid characters), so the bytes whose signature is checked are exactly the
 * bytes the header names, and canonically: one header spelling per message.
 */
export function decodeSiweHeader(text: string | undefined): string {
  if (text === undefined || text.length === 0 || text.length > MAX_SIWE_HEADER_LENGTH || !BASE64.test(text)) {
    throw new AuthError('INVALID_SIWE_MESSAGE', 'siwe header is not base64', { detail: 'siwe_header_base64' })
  }
  const bytes = Buffer.from(text, 'base64')
  // RFC 4648 §3.5: the bits after the last byte must be zero. Node ignores them, so `QR==` decoded
  // to the same "A" as `QQ==`; a canonical-only decoder leaves no second spelling of a message.
  if (bytes.toString('base64') !== text) {
    throw new AuthError('INVALID_SIWE_MESSAGE', 'siwe header is not canonical base64', {
      detail: 'siwe_header_base64',
    })
  }
  try {
    return utf8.decode(bytes)
  } catch {
    throw new AuthError('INVALID_SIWE_MESSAGE', 'siwe header is not utf-8', { detail: 'siwe_header_utf8' })
  }
}

export interface ParadexSiweSettings {
  /** The SIWE domain Paradex clients sign for; the URI must be `https://<domain>`. */
  domain: string
  l1ChainId: number
  issuedAtSkewMs: number
  evmAccountClassHash: string
}

/** The binding a Paradex v2 message must satisfy: auth messages must expire within the v1 window. */
export function paradexSiweBinding(settings: ParadexSiweSettings, purpose: ParadexSiwePurpose): SiweBinding {
  const weekMs = MAX_WINDOW_SECONDS * 1000
  return {
    domain: settings.domain,
    scheme: 'https',
    uri: `https://${settings.domain}`,
    chainIds: [settings.l1ChainId],
    issuedAtSkewMs: settings.issuedAtSkewMs,
    maxAgeMs: weekMs,
    ...(purpose === 'auth' ? { expirationRequiredWithinMs: weekMs } : {}),
  }
}

export interface CheckedParadexSiwe {
  account: { felt: bigint; hex: string }
  /** The decoded text: the exact bytes the EVM signature must cover. */
  message: string
  fields: SiweMessage
}

/**
 * Everything about a v2 request that needs no store and no curve math: the account header, the
 * decoded message, its binding and window, the statement for `purpose`, the signature's shape,
 * and that the header account is the one the SIWE address derives (Argent EIP-191 formula).
 * The caller then looks up the account and recovers the signer.
 */
export function checkParadexSiwe(
  headers: { account?: string | undefined; signature?: string | undefined; message?: string | undefined },
  purpose: ParadexSiwePurpose,
  binding: SiweBinding,
  settings: ParadexSiweSettings,
  now: number,
): CheckedParadexSiwe {
  const account = parseStarknetAccount(headers.account)
  const message = decodeSiweHeader(headers.message)
  const fields = checkSiweMessage(message, headers.signature ?? '', binding, now)
  if (fields.statement !== STATEMENT[purpose]) {
    throw new AuthError('INVALID_SIWE_MESSAGE', 'unexpected statement', { detail: 'statement' })
  }
  const derived = deriveParadexEvmAccountAddress({
    ethAddress: fields.address,
    evmAccountClassHash: settings.evmAccountClassHash,
  })
  if (!derived.ok || derived.value !== account.felt) {
    throw new AuthError('STARKNET_ADDRESS_INVALID', 'account is not the signer address', {
      detail: 'not_derived_from_signer',
    })
  }
  return { account, message, fields }
}

/** The Argent (EIP-191 signer) account of an Ethereum address, for `GET /v1/onboarding?…eip191`. */
export function paradexEvmAccountOf(ethAddress: string, evmAccountClassHash: string): string {
  const derived = deriveParadexEvmAccountAddress({ ethAddress, evmAccountClassHash })
  if (!derived.ok) throw new AuthError('VALIDATION_FAILED', derived.reason, { detail: 'eth_address' })
  return feltToHex(derived.value)
}
