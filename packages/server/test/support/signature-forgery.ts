/** Hand-made variants of a valid 65-byte signature, for attacking the verifier. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const hex32 = (value: bigint) => value.toString(16).padStart(64, '0')

export function splitSignature(signature: string) {
  return {
    r: BigInt(`0x${signature.slice(2, 66)}`),
    s: BigInt(`0x${signature.slice(66, 130)}`),
    v: Number.parseInt(signature.slice(130, 132), 16),
  }
}

export function joinSignature(r: bigint, s: bigint, v: number): string {
  return `0x${hex32(r)}${hex32(s)}${v.toString(16).padStart(2, '0')}`
}

/** The malleable twin (r, n − s, v ^ 1): the same signer recovers from it, but s is high. */
export function highSTwin(signature: string): string {
  const { r, s, v } = splitSignature(signature)
  return joinSignature(r, SECP256K1_N - s, v === 27 ? 28 : v === 28 ? 27 : v ^ 1)
}
