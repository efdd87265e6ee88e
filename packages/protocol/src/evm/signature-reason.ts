/**
 * Why an Ethereum (EIP-191 personal_sign) signature was refused. Closed set: core maps each
 * reason to a stable public error code.
 *
 * - `signature_malformed`: not `0x` + 130 hex characters (65 bytes r ‖ s ‖ v). Decided from the
 *   shape alone, before any curve math (siwe.md §6 item 9, §7 item 30).
 * - `signature_invalid`: well-formed but unusable: v ∉ {0, 1, 27, 28}, r or s outside 1..n−1, or
 *   no public key recovers from it (siwe.md §7 item 28).
 * - `signature_not_canonical`: s > n/2, the malleable high-s twin of a valid signature
 *   (EIP-2; siwe.md §6 item 8, §7 item 29).
 */
export type SignatureReason = 'signature_malformed' | 'signature_invalid' | 'signature_not_canonical'
