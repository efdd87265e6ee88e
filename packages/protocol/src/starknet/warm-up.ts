import { warmUpPedersen } from './pedersen.js'
import { warmUpStarkVerification } from './verify-stark-signature.js'

/** Builds every fixed table the Starknet hot paths use (Pedersen's bases, the generator's). */
export function warmUpStarknet(): void {
  warmUpPedersen()
  warmUpStarkVerification()
}
