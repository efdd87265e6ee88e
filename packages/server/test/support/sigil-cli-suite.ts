import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect } from 'vitest'
import { SIGIL_BIN, type SigilProcess, startSigilProcess } from './sigil-process.js'
import { useTempDir } from './temp-dir.js'
import { startUpstream, type Upstream } from './upstream-server.js'

const execFileAsync = promisify(execFile)

/**
 * A `describe`'s real `sigil serve` (SQLite in the suite's folder) with an upstream behind its
 * reverse proxy, so signed requests with a body land somewhere, and the CLI run against it as a
 * user would: each user a config folder (XDG_CONFIG_HOME) of their own. Call in the describe body.
 */
export function useSigilCliSuite(prefix: string) {
  const folder = useTempDir(prefix)
  let server: SigilProcess | undefined
  let upstream: Upstream | undefined
  beforeAll(async () => {
    upstream = await startUpstream()
    server = await startSigilProcess({
      SIGIL_DATABASE_URL: `sqlite:${join(folder(), 'sigil.db')}`,
      SIGIL_UPSTREAM_URL: upstream.url,
    })
  })
  afterAll(async () => {
    await server?.stop()
    await upstream?.close()
  })

  const url = () => server!.url
  const env = (home: string) => ({ PATH: process.env.PATH, XDG_CONFIG_HOME: home, SIGIL_URL: url() })
  /** The binary, synchronously (never while the upstream must answer: it runs in this process). */
  const sigil = (home: string, args: string[]) => {
    const result = spawnSync(process.execPath, [SIGIL_BIN, ...args], {
      env: env(home),
      encoding: 'utf8',
      input: '',
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }
  /** The binary, without blocking this process (for requests the proxy forwards to the upstream). */
  const sigilAsync = async (home: string, args: string[]) =>
    (await execFileAsync(process.execPath, [SIGIL_BIN, ...args], { env: env(home), encoding: 'utf8' })).stdout
  const newHome = () => mkdtempSync(join(folder(), 'home-'))
  /** A user signed in with a throwaway wallet. */
  const signedInHome = () => {
    const home = newHome()
    expect(sigil(home, ['login', '--dev']).status).toBe(0)
    return home
  }
  /** `--generate` in a fresh signed-in home: the key id, its private key file, and the command's result. */
  const generated = (scope: 'read' | 'trade' = 'trade') => {
    const home = signedInHome()
    const created = sigil(home, [
      'api-keys',
      'create',
      '--name',
      'bot',
      '--scope',
      scope,
      '--generate',
      '--json',
    ])
    expect(created.status).toBe(0)
    const key = JSON.parse(created.stdout) as { id: string; privateKeyFile: string }
    return { home, id: key.id, keyFile: key.privateKeyFile, created }
  }
  return { folder, url, upstream: () => upstream!, sigil, sigilAsync, newHome, signedInHome, generated }
}
