import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import type { StoredTokens, TokenStorage } from '@sigil/client'

/** `$XDG_CONFIG_HOME/sigil/credentials.json`, else `~/.config/sigil/credentials.json`. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'sigil', 'credentials.json')
}

/** The file: the tokens of each server signed in to, by base URL. */
interface CredentialsFile {
  version: 1
  servers: Record<string, StoredTokens>
}

function readFile(path: string): CredentialsFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} }
    throw error
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialsFile>
    if (parsed.version === 1 && typeof parsed.servers === 'object' && parsed.servers !== null)
      return { version: 1, servers: parsed.servers }
  } catch {}
  throw new Error(`${path} is not a credentials file of this sigil: remove it and sign in again`)
}

/**
 * Replaces the file in one step: written beside it as 0600 (before any byte of a token is in it),
 * then renamed over it, so a reader never sees half a file and a file made wider by hand is
 * narrowed again. The folder is 0700.
 */
function writeFile(path: string, content: CredentialsFile) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(temporary, 0o600) // whatever the umask
    renameSync(temporary, path)
  } finally {
    rmSync(temporary, { force: true })
  }
}

/**
 * The client SDK's token storage for one server, in the user's credentials file. Read on every
 * `get`: the client compares before refreshing, so a token another `sigil` process has already
 * refreshed is picked up instead of being spent twice (which the server treats as theft).
 */
export function fileTokenStorage(path: string, baseUrl: string): TokenStorage {
  return {
    get: () => readFile(path).servers[baseUrl],
    set: (tokens) => {
      const file = readFile(path)
      if (tokens) file.servers[baseUrl] = tokens
      else delete file.servers[baseUrl]
      writeFile(path, file)
    },
  }
}
