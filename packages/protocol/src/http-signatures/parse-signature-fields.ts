/**
 * RFC 9421 §4.1 / §4.2: the `Signature-Input` and `Signature` fields, parsed as RFC 8941
 * Dictionaries with evert's `structured-headers` (MIT, no dependencies, maintained; exact-pinned in
 * this package). That library follows RFC 8941 to the letter, including "a repeated dictionary key
 * overwrites the earlier one": harmless for ordinary fields, but two `sig1` signatures in one
 * request are a smuggling shape (a proxy reads the first, we read the last), so
 * {@link countDictionaryMembers} counts the members itself and a repeated label is refused.
 *
 * Repeated parameters (`;created=1;created=2`) keep RFC 8941's last-wins meaning: the signature
 * base is rebuilt from the parsed values (the re-serialized inner list is `@signature-params`), so
 * the signer had to sign exactly what we enforce, and there is nothing to smuggle.
 */
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  parseDictionary,
  serializeInnerList,
} from 'structured-headers'
import { ok, type Result, reject } from '../result.js'

/** Longer fields are refused before parsing (a signature input is a few hundred bytes). */
export const MAX_SIGNATURE_FIELD_LENGTH = 8192

export type SignatureFieldReason = 'malformed_signature_input' | 'malformed_signature' | 'duplicate_label'

/** One member of `Signature-Input`: the covered components as sent, and the signature parameters. */
export interface SignatureInputMember {
  /** Each covered component: its name (an sf-string) and its parameters, as parsed. */
  components: ReadonlyArray<{ name: string; parameters: ReadonlyMap<string, BareItem> }>
  parameters: ReadonlyMap<string, BareItem>
  /** The canonical serialization of this inner list: the `@signature-params` value (§2.3). */
  serialized: string
}

/**
 * The number of top-level members of a Dictionary that already parsed: commas separate members,
 * and the only other place a comma can appear in a valid Dictionary is inside an sf-string or a
 * display string (both quoted, with `\"` escapes); tokens, byte sequences and numbers have none.
 */
function countDictionaryMembers(text: string): number {
  let members = 1
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '\\') i++
      else if (char === '"') quoted = false
    } else if (char === '"') quoted = true
    else if (char === ',') members++
  }
  return members
}

/** Several field lines are one field value joined with `, ` (RFC 9110 §5.3). */
function fieldValue(lines: string | readonly string[]): string {
  return typeof lines === 'string' ? lines : lines.join(', ')
}

function parseStrictDictionary(text: string): Result<Dictionary, 'malformed' | 'duplicate_label'> {
  if (text.length > MAX_SIGNATURE_FIELD_LENGTH) return reject('malformed')
  let dictionary: Dictionary
  try {
    dictionary = parseDictionary(text)
  } catch {
    return reject('malformed')
  }
  if (dictionary.size === 0) return reject('malformed')
  if (countDictionaryMembers(text) !== dictionary.size) return reject('duplicate_label')
  return ok(dictionary)
}

const isInnerList = (member: Item | InnerList): member is InnerList => Array.isArray(member[0])

/**
 * `Signature-Input`: every member must be an inner list of sf-strings (component identifiers).
 * What the strings and parameters mean is checked later, against the label actually verified.
 */
export function parseSignatureInput(
  lines: string | readonly string[],
): Result<Map<string, SignatureInputMember>, SignatureFieldReason> {
  const parsed = parseStrictDictionary(fieldValue(lines))
  if (!parsed.ok)
    return reject(parsed.reason === 'duplicate_label' ? 'duplicate_label' : 'malformed_signature_input')
  const members = new Map<string, SignatureInputMember>()
  for (const [label, member] of parsed.value) {
    if (!isInnerList(member)) return reject('malformed_signature_input')
    const components: { name: string; parameters: ReadonlyMap<string, BareItem> }[] = []
    for (const [name, parameters] of member[0]) {
      if (typeof name !== 'string') return reject('malformed_signature_input')
      components.push({ name, parameters })
    }
    let serialized: string
    try {
      serialized = serializeInnerList(member)
    } catch {
      return reject('malformed_signature_input')
    }
    members.set(label, { components, parameters: member[1], serialized })
  }
  return ok(members)
}

/** `Signature`: every member must be a byte sequence without parameters. */
export function parseSignatures(
  lines: string | readonly string[],
): Result<Map<string, Uint8Array>, SignatureFieldReason> {
  const parsed = parseStrictDictionary(fieldValue(lines))
  if (!parsed.ok)
    return reject(parsed.reason === 'duplicate_label' ? 'duplicate_label' : 'malformed_signature')
  const signatures = new Map<string, Uint8Array>()
  for (const [label, member] of parsed.value) {
    if (isInnerList(member) || !(member[0] instanceof ArrayBuffer) || member[1].size > 0) {
      return reject('malformed_signature')
    }
    signatures.set(label, new Uint8Array(member[0]))
  }
  return ok(signatures)
}
