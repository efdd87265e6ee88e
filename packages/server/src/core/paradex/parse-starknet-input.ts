import {
  feltToHex,
  parseHexFelt,
  parseParadexSignatureHeader,
  parseStarkKey,
  type StarkSignature,
} from '@sigil/protocol'
import { AuthError } from '../errors.js'
import type { Address } from '../ports.js'

/** Header text to canonical values; each refusal is the public code a Paradex client expects. */

export function parseStarknetAccount(text: string | undefined): { felt: bigint; hex: string } {
  const parsed = parseHexFelt(text ?? '')
  if (!parsed.ok) throw new AuthError('STARKNET_ADDRESS_INVALID', parsed.reason)
  return { felt: parsed.value, hex: feltToHex(parsed.value) }
}

export function parseStarknetSignature(text: string | undefined): StarkSignature {
  const parsed = parseParadexSignatureHeader(text ?? '')
  if (!parsed.ok) throw new AuthError('STARKNET_SIGNATURE_MALFORMED', parsed.reason)
  return parsed.value
}

export function parsePublicKey(text: string | undefined): { felt: bigint; hex: string } {
  const parsed = parseStarkKey(text ?? '')
  if (!parsed.ok) throw new AuthError('PUBLIC_KEY_INVALID', parsed.reason, { detail: 'not_a_stark_key' })
  return { felt: parsed.value, hex: feltToHex(parsed.value) }
}

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** PARADEX-ETHEREUM-ACCOUNT is unsigned metadata: kept only when it looks like an address. */
export function parseEthAddress(text: string | undefined): Address | undefined {
  if (text === undefined || text === '') return undefined
  if (!EVM_ADDRESS.test(text)) {
    throw new AuthError('VALIDATION_FAILED', 'eth address syntax', { detail: 'paradex-ethereum-account' })
  }
  return text as Address
}
