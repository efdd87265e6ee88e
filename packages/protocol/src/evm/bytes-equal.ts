/**
 * Byte-wise equality that always walks the whole input (no early exit on the first difference),
 * for comparing a recovered address with the claimed one. Addresses are public, so this is about
 * a uniform code path rather than secrecy; for secrets use node:crypto `timingSafeEqual`.
 * Identity must be compared as bytes, never as the address string as sent (siwe.md §1.5).
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
