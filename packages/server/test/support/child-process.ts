import type { ChildProcess } from 'node:child_process'

/**
 * Ends `child` with SIGTERM (SIGKILL if it is still there after `graceMs`) and resolves once it has
 * exited, so nothing it holds (a SQLite file in a temporary folder) outlives the test.
 */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  try {
    await exited
  } finally {
    clearTimeout(timer)
  }
}
