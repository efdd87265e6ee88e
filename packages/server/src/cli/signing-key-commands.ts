/**
 * Signed-request keys from the command line (docs/signed-requests.md): `sigil api-keys create
 * --public-key FILE | --generate` registers a public key, and `sigil request` sends one request
 * signed with a private key file, as a bot would.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { SigningApiKey } from '@sigil/client'
import { createRequestSigner } from '@sigil/client/signer'
import type { Command } from 'commander'
import { action, type Context, signedIn, talksToServer } from './client-context.js'
import { credentialsPath } from './credentials-file.js'
import { EXIT, Failure } from './exit-codes.js'
import {
  keysFolder,
  moveKeyFile,
  readPrivateKeyFile,
  readPublicKeyFile,
  removeKeyFile,
  writeNewKeyFile,
} from './signing-key-files.js'

export interface SigningKeyFlags {
  name: string
  scope: 'read' | 'trade'
  allowIp?: string[]
  expiresInDays?: number
  publicKey?: string
  generate?: boolean
  keyFile?: string
}

/**
 * Registers a public key, given (`--public-key`) or made here (`--generate`: Ed25519, the private
 * key written first, so a key is never registered without its private half on disk; a failed
 * registration removes the file). A generated key without `--key-file` is named after its id:
 * `<credentials folder>/keys/<id>.pem`, which `sigil request` takes as the default key id.
 */
export async function createSigningKey(context: Context, options: SigningKeyFlags): Promise<void> {
  if (options.publicKey !== undefined && options.generate === true)
    throw new Failure('--public-key or --generate, not both', EXIT.usage)
  if (options.keyFile !== undefined && options.generate !== true)
    throw new Failure('--key-file is where --generate writes the private key: add --generate', EXIT.usage)
  await signedIn(context)
  const folder = keysFolder(credentialsPath())
  let keyFile =
    options.generate === true ? (options.keyFile ?? join(folder, `new-${randomUUID()}.pem`)) : undefined
  const publicKey =
    keyFile === undefined ? readPublicKeyFile(options.publicKey ?? '') : writeNewKeyFile(keyFile)
  let key: SigningApiKey
  try {
    key = await context.client.apiKeys.create({
      name: options.name,
      scope: options.scope,
      publicKey,
      ...(options.allowIp ? { allowedIps: options.allowIp } : {}),
      ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}),
    })
  } catch (error) {
    if (keyFile !== undefined) removeKeyFile(keyFile)
    throw error
  }
  if (keyFile !== undefined && options.keyFile === undefined) {
    const named = join(folder, `${key.id}.pem`)
    if (moveKeyFile(keyFile, named)) keyFile = named
  }
  context.emit({ ...key, publicKey, ...(keyFile === undefined ? {} : { privateKeyFile: keyFile }) })
  context.say(
    `Registered ${key.scope} key ${context.paint('bold', key.id)} (${key.alg}, thumbprint ${key.thumbprint}).`,
  )
  if (keyFile !== undefined) {
    context.say(
      `Private key: ${keyFile} (mode 0600). It never leaves this machine; Sigil has only the public key.`,
    )
    context.say(context.paint('dim', `Try it: sigil request GET /v1/auth/me --key-file ${keyFile}`))
  }
  context.say(context.paint('dim', 'Each request is signed (RFC 9421): see docs/signed-requests.md.'))
}

interface RequestFlags {
  keyFile: string
  keyId?: string
  data?: string
}

/** `sigil request GET /v1/auth/me --key-file K`: one signed request, its answer on stdout. */
export function addRequestCommand(program: Command) {
  talksToServer(
    program
      .command('request')
      .description('send one request signed with a private key file (RFC 9421), print the answer')
      .argument('<method>', 'GET, POST, …')
      .argument('<path>', 'the path under --url, with its query: /v1/auth/me')
      .requiredOption('--key-file <file>', 'the private key (PKCS #8 PEM, or a private JWK)')
      .option(
        '--key-id <id>',
        "the API key id (default: the file's name without .pem, as --generate names it)",
      )
      .option('--data <json>', 'the JSON body; @FILE reads it from a file'),
  ).action(
    action(async (context, options: RequestFlags, method: string, path: string) => {
      if (!path.startsWith('/')) throw new Failure(`${path}: the path starts with /`, EXIT.usage)
      const keyId = options.keyId ?? basename(options.keyFile).replace(/\.pem$/, '')
      const signer = createRequestSigner({ keyId, privateKey: readPrivateKeyFile(options.keyFile) })
      const body = options.data === undefined ? undefined : bodyOf(options.data)
      const url = `${context.url}${path}`
      const headers: Record<string, string> = { accept: 'application/json' }
      if (body !== undefined) headers['content-type'] = 'application/json'
      Object.assign(
        headers,
        await signer.signRequest({ method: method.toUpperCase(), url, headers, body, now: Date.now() }),
      )
      let response: Response
      try {
        response = await fetch(url, {
          method: method.toUpperCase(),
          headers,
          ...(body === undefined ? {} : { body }),
        })
      } catch {
        throw new Failure(
          `cannot reach ${context.url}: is the server running, and is --url right?`,
          EXIT.unavailable,
        )
      }
      const text = await response.text()
      if (response.ok) {
        process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`)
        return
      }
      let code = `HTTP ${response.status}`
      try {
        code = (JSON.parse(text) as { code?: string }).code ?? code
      } catch {}
      throw new Failure(
        `${code}: ${text.trim()}`,
        response.status === 401 ? EXIT.notSignedIn : EXIT.failure,
        {
          code,
          status: response.status,
        },
      )
    }),
  )
}

function bodyOf(data: string): string {
  const text = data.startsWith('@') ? readBodyFile(data.slice(1)) : data
  try {
    JSON.parse(text)
  } catch {
    throw new Failure('--data is not JSON', EXIT.usage)
  }
  return text
}

function readBodyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new Failure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`, EXIT.usage)
  }
}
