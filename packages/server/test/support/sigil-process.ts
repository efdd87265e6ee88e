import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { stopProcess } from './child-process.js'

export const SIGIL_BIN = new URL('../../bin/sigil.js', import.meta.url).pathname
/** How long `sigil serve` may take to listen before it is killed. */
const START_LIMIT_MS = 20_000
const DIST = new URL('../../dist/cli/main.js', import.meta.url).pathname

export interface SigilProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>`, as the server logged it. */
  url: string
  /** Every line it printed (pino JSON), in order. */
  lines: string[]
  /** Resolves with the exit code once the process has ended (by itself or by `stop`). */
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>
}

/**
 * `sigil serve` as an operator runs it: the real binary, a child process on a free loopback port
 * (`--port 0`), configured through `env` (SIGIL_*). Resolves once it listens.
 */
export async function startSigilProcess(env: NodeJS.ProcessEnv, args: string[] = []): Promise<SigilProcess> {
  if (!existsSync(DIST)) throw new Error('build first: npm test runs `tsc -b` before vitest')
  const child = spawn(
    process.execPath,
    [SIGIL_BIN, 'serve', '--port', '0', '--public-url', 'http://localhost:9', ...args],
    { env: { PATH: process.env.PATH, SIGIL_LOG_LEVEL: 'info', ...env } },
  )
  const lines: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line))
  // A process that never says it listens (a log level that hides the line, a hang) is killed, not
  // left running after the test gives up on it.
  const timer = setTimeout(() => child.kill('SIGKILL'), START_LIMIT_MS)
  const url = await new Promise<string>((resolve, reject) => {
    void exited.then((code) =>
      reject(new Error(`sigil serve exited with ${code}: ${lines.slice(-3).join(' | ')}`)),
    )
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line)
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (match) resolve(match[1]!)
    })
  }).finally(() => clearTimeout(timer))
  return { child, url, lines, exited, stop: () => stopProcess(child) }
}
