/** The exit codes of `sigil` (docs/cli.md), after sysexits.h where one fits. */
export const EXIT = {
  ok: 0,
  /** the operation was refused or failed (the server's error code is printed) */
  failure: 1,
  /** a command, option or argument that is not right: usage */
  usage: 2,
  /** EX_UNAVAILABLE: the server cannot be reached, or what answered is not Sigil */
  unavailable: 69,
  /** EX_NOPERM: not signed in, or the stored sign-in is no longer accepted */
  notSignedIn: 77,
  /** EX_CONFIG: a setting of the server is wrong */
  config: 78,
} as const

/** A failure the CLI explains in one line and ends with `exitCode`; never a stack trace. */
export class Failure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly reason?: { code: string; status?: number | undefined },
  ) {
    super(message)
  }
}
