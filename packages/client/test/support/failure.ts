import { expect } from 'vitest'
import { SigilError } from '../../src/index.js'

/** What a rejected promise rejected with (a SigilError, asserted), to assert on its fields. */
export const failure = async (promise: Promise<unknown>): Promise<SigilError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SigilError)
  return error as SigilError
}
