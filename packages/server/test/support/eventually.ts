/**
 * Polls `check` until it holds, for at most `limitMs` (then throws); returns how long it took, for
 * tests that measure propagation. A bounded wait, never a fixed sleep or a timed assertion.
 */
export async function eventually(
  limitMs: number,
  check: () => Promise<boolean>,
  everyMs = 10,
): Promise<number> {
  const started = performance.now()
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return Math.round(performance.now() - started)
}
