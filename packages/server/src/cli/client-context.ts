import { createSigilClient, type SigilClient, SigilError, type TokenStorage } from '@sigil/client'
import { type Command, Option } from 'commander'
import { credentialsPath, fileTokenStorage } from './credentials-file.js'
import { EXIT, Failure } from './exit-codes.js'
import { type Paint, painter } from './output.js'

/*
 * The trader's commands: they talk to a running Sigil through @sigil/client, as any other client
 * would, and never open the server's database or read its settings.
 */

export const DEFAULT_URL = 'http://localhost:8080'

export interface ClientFlags {
  url: string
  json?: boolean
}

export interface Context {
  url: string
  client: SigilClient
  storage: TokenStorage
  json: boolean
  paint: Paint
  /** a line for a person (human mode only) */
  say(text: string): void
  /** the result for a script (`--json`) */
  emit(value: unknown): void
}

/** `--url` (SIGIL_URL) and `--json`, on every command that talks to a server. */
export function talksToServer(command: Command): Command {
  return command
    .addOption(
      new Option('--url <url>', "the Sigil server (its native API's base URL)")
        .env('SIGIL_URL')
        .default(DEFAULT_URL),
    )
    .option('--json', 'print JSON for scripts instead of text')
}

function baseUrlOf(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Failure(`--url ${text} is not a URL`, EXIT.usage)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Failure(`--url ${text}: only http and https`, EXIT.usage)
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function contextOf(flags: ClientFlags): Context {
  const url = baseUrlOf(flags.url)
  const storage = fileTokenStorage(credentialsPath(), url)
  const json = flags.json === true
  return {
    url,
    storage,
    client: createSigilClient({ baseUrl: url, storage }),
    json,
    paint: painter(process.stdout),
    say: (text) => {
      if (!json) process.stdout.write(`${text}\n`)
    },
    emit: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
    },
  }
}

export async function signedIn(context: Context) {
  if (!(await context.storage.get()))
    throw new Failure(`not signed in to ${context.url}: run \`sigil login\``, EXIT.notSignedIn)
}

/** A SigilError as the person (or script) reading it needs it, with the exit code it deserves. */
export function explain(error: SigilError, url: string): Failure {
  const reason = { code: error.code, status: error.status }
  const said = error.detail ?? error.title
  const because = said ? `: ${said}` : ''
  if (error.code === 'NETWORK_ERROR')
    return new Failure(
      `cannot reach ${url}: is the server running, and is --url right?`,
      EXIT.unavailable,
      reason,
    )
  if (error.code === 'UNEXPECTED_RESPONSE')
    return new Failure(
      `${url} does not answer as Sigil does (${error.detail}): is --url right?`,
      EXIT.unavailable,
      reason,
    )
  if (error.code === 'NOT_SIGNED_IN' || error.status === 401)
    return new Failure(
      `${error.code}${because}: sign in again with \`sigil login\``,
      EXIT.notSignedIn,
      reason,
    )
  return new Failure(`${error.code}${because}`, EXIT.failure, reason)
}

/** Runs one client command: its failures become a message and an exit code, never a stack. */
export function action<O, A extends string[] = []>(
  work: (context: Context, options: O, ...args: A) => Promise<void>,
) {
  // commander calls it with the arguments, then the options, then the command.
  return async (...args: unknown[]) => {
    const options = (args.at(-1) as Command).opts<O & ClientFlags>()
    const context = contextOf(options)
    try {
      await work(context, options, ...(args.slice(0, -2) as A))
    } catch (error) {
      throw error instanceof SigilError ? explain(error, context.url) : error
    }
  }
}
