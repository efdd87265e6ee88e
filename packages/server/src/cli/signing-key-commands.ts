/**
 * Signed-request keys from the command line (docs/signed-requests.md): `sigil api-keys create
 * --public-key FILE | --generate` registers a public key, and `sigil request` sends one request
 * signed with a private key file, as a bot would.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync, renameSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { PublicSigningJwk, SigningApiKey } from '@sigil/client'
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
  const folder = keysFolder(credentialsPath())
  const key = await withPublicKey(context, options, join(folder, `new-${randomUUID()}.pem`), (publicKey) =>
    context.client.apiKeys.create({
      name: options.name,
      scope: options.scope,
      publicKey,
      ...(options.allowIp ? { allowedIps: options.allowIp } : {}),
      ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}),
    }),
  )
  let { keyFile } = key
  if (keyFile !== undefined && options.keyFile === undefined) {
    const named = join(folder, `${key.registered.id}.pem`)
    if (moveKeyFile(keyFile, named)) keyFile = named
  }
  show(context, key.registered, key.publicKey, keyFile, 'Registered')
}

export interface RotateSigningKeyFlags {
  gracePeriod?: number
  publicKey?: string
  generate?: boolean
  keyFile?: string
}

/**
 * A new public key for a signing key. With `--generate` and no `--key-file`, the new private key
 * replaces `keys/<id>.pem` (in one rename) once the server has accepted it: a bot that reads the
 * file again picks it up, and one still holding the old key has the grace period.
 */
export async function rotateSigningKey(context: Context, id: string, options: RotateSigningKeyFlags) {
  const folder = keysFolder(credentialsPath())
  const rotated = await withPublicKey(
    context,
    options,
    join(folder, `new-${randomUUID()}.pem`),
    (publicKey) =>
      context.client.apiKeys.rotate(id, {
        publicKey,
        ...(options.gracePeriod === undefined ? {} : { gracePeriodSeconds: options.gracePeriod }),
      }),
  )
  let { keyFile } = rotated
  if (keyFile !== undefined && options.keyFile === undefined) {
    const named = join(folder, `${rotated.registered.id}.pem`)
    renameSync(keyFile, named)
    keyFile = named
  }
  show(context, rotated.registered, rotated.publicKey, keyFile, 'Rotated')
}

/**
 * The public key to send (`--public-key FILE`, or `--generate`: an Ed25519 pair whose private half
 * is written first, so a key is never registered without it on disk), then `send`; a refusal
 * removes the file written for it.
 */
async function withPublicKey(
  context: Context,
  options: { publicKey?: string; generate?: boolean; keyFile?: string },
  provisionalFile: string,
  send: (publicKey: PublicSigningJwk) => Promise<SigningApiKey>,
): Promise<{ registered: SigningApiKey; publicKey: PublicSigningJwk; keyFile?: string }> {
  if (options.publicKey !== undefined && options.generate === true)
    throw new Failure('--public-key or --generate, not both', EXIT.usage)
  if (options.keyFile !== undefined && options.generate !== true)
    throw new Failure('--key-file is where --generate writes the private key: add --generate', EXIT.usage)
  await signedIn(context)
  const keyFile = options.generate === true ? (options.keyFile ?? provisionalFile) : undefined
  const publicKey =
    keyFile === undefined ? readPublicKeyFile(options.publicKey ?? '') : writeNewKeyFile(keyFile)
  try {
    return { registered: await send(publicKey), publicKey, ...(keyFile === undefined ? {} : { keyFile }) }
  } catch (error) {
    if (keyFile !== undefined) removeKeyFile(keyFile)
    throw error
  }
}

function show(
  context: Context,
  key: SigningApiKey,
  publicKey: PublicSigningJwk,
  keyFile: string | undefined,
  what: string,
) {
  context.emit({ ...key, publicKey, ...(keyFile === undefined ? {} : { privateKeyFile: keyFile }) })
  context.say(
    `${what} ${key.scope} key ${context.paint('bold', key.id)} (${key.alg}, thumbprint ${key.thumbprint}).`,
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
