/**
 * A stark key (the x-only public key of Paradex §1, §2) from text: a strict hex felt that is the
 * x-coordinate of a point on the Stark curve. Used on `public_key` at onboarding (Paradex §3.3:
 * `PUBLIC_KEY_INVALID`), so that a key no signature could ever verify under is never stored.
 */
import { ok, type Result, reject } from '../result.js'
import { parseHexFelt } from './felt.js'
import { starkKeyPoints } from './stark-key-points.js'

/**
 * Parses `0x…` into the key as a bigint, or `public_key_invalid`. The curve check decompresses
 * the key through the memo that `verifyStarkSignature` uses next, so the square root is paid once.
 *
 * @example
 * parseStarkKey('0x8857491dd4065910836e3b02bd51c93f1c3c1e2289accb0bc02123555569c1')
 */
export function parseStarkKey(text: string): Result<bigint, 'public_key_invalid'> {
  const felt = parseHexFelt(text)
  if (!felt.ok || starkKeyPoints(felt.value) === null) return reject('public_key_invalid')
  return ok(felt.value)
}
