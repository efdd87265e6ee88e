import type { SigningApiKey } from '@sigil/client'
import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import type { Hex } from 'viem'
import { action, type Context, signedIn, talksToServer } from './client-context.js'
import { credentialsPath } from './credentials-file.js'
import { EXIT, Failure } from './exit-codes.js'
import { fields, shortTime, table } from './output.js'
import { readSecret } from './read-secret.js'
import {
  addRequestCommand,
  createSigningKey,
  type RotateSigningKeyFlags,
  rotateSigningKey,
  type SigningKeyFlags,
} from './signing-key-commands.js'

/*
 * The trader's commands (login, api-keys, sessions); how they reach the server is in
 * client-context.ts, the signed-request keys in signing-key-commands.ts.
 */

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/

async function privateKeyFor(options: { dev?: boolean }): Promise<{ key: Hex; dev: boolean }> {
  if (options.dev) return { key: (await import('viem/accounts')).generatePrivateKey(), dev: true }
  const given = process.env.SIGIL_PRIVATE_KEY ?? (await readSecret('Private key (hex, not shown): '))
  const text = given?.trim()
  if (!text) throw new Failure('no private key: set SIGIL_PRIVATE_KEY, type it, or use --dev', EXIT.usage)
  // The key itself is never repeated back, not even in an error.
  if (!PRIVATE_KEY.test(text)) throw new Failure('the private key is not 32 bytes of hex', EXIT.usage)
  return { key: (text.startsWith('0x') ? text : `0x${text}`) as Hex, dev: false }
}

export function addClientCommands(program: Command) {
  talksToServer(
    program
      .command('login')
      .description('sign in with a wallet (SIGIL_PRIVATE_KEY, a prompt, or --dev) and keep the tokens')
      .option('--dev', 'sign in with a fresh throwaway wallet (its key is not kept)'),
  ).action(
    action(async (context, options: { dev?: boolean }) => {
      const { key, dev } = await privateKeyFor(options)
      const { privateKeyToAccount } = await import('viem/accounts') // only login signs
      const { account, tokens } = await context.client.signInWithEthereum(privateKeyToAccount(key))
      context.emit({
        url: context.url,
        account,
        wallet: dev ? 'dev' : 'private-key',
        refreshTokenExpiresAt: new Date(tokens.refreshTokenExpiresAt).toISOString(),
        credentialsFile: credentialsPath(),
      })
      context.say(
        `Signed in to ${context.url} as ${context.paint('bold', account.address)}${dev ? ' (a throwaway dev wallet)' : ''}.`,
      )
      context.say(context.paint('dim', `Tokens kept in ${credentialsPath()} (mode 0600).`))
    }),
  )

  talksToServer(
    program.command('whoami').description('the account, credential and scopes you are signed in with'),
  ).action(
    action(async (context) => {
      await signedIn(context)
      const me = await context.client.me()
      context.emit(me)
      context.say(
        fields(
          [
            ['server', context.url],
            ['address', me.account.address],
            ['account', me.account.id],
            ['status', me.account.status],
            ['credential', me.credential],
            ['session', me.sessionId ?? '-'],
            ['scopes', me.scopes.join(' ')],
          ],
          context.paint,
        ),
      )
    }),
  )

  talksToServer(
    program.command('logout').description('end this session at the server and forget its tokens'),
  ).action(
    action(async (context) => {
      await signedIn(context)
      await context.client.logout()
      context.emit({ url: context.url, signedOut: true })
      context.say(`Signed out of ${context.url}.`)
    }),
  )

  const apiKeys = program.command('api-keys').description("your account's API keys")
  const showSecret = (context: Context, key: { id: string; secret: string }, what: string) => {
    context.emit(key)
    context.say(`${what} ${key.id}. The secret, shown this once (store it now):\n`)
    context.say(`  ${context.paint('bold', key.secret)}\n`)
    context.say(context.paint('dim', 'Send it as `x-api-key: <secret>` or `Authorization: Bearer <secret>`.'))
  }
  talksToServer(
    apiKeys
      .command('create')
      .description('a new key: its secret is printed once; or a signing key from a public key (no secret)')
      .requiredOption('--name <name>', 'what it is for (1-64 characters)')
      .addOption(
        new Option('--scope <scope>', 'read, or read and trade').choices(['read', 'trade']).default('read'),
      )
      .option('--allow-ip <ip...>', 'IPv4/IPv6 addresses or CIDR ranges it may be used from (default: any)')
      .option('--expires-in-days <days>', 'days until it expires (default: never)', positiveInteger)
      .option(
        '--public-key <file>',
        'register this public key (JWK or PEM; Ed25519 or P-256) to sign requests',
      )
      .option('--generate', 'make an Ed25519 key pair here, register its public key, keep the private one')
      .option(
        '--key-file <file>',
        'with --generate: where the private key goes (default: keys/<id>.pem beside the credentials)',
      ),
  ).action(
    action(async (context, options: SigningKeyFlags) => {
      if (options.publicKey !== undefined || options.generate === true || options.keyFile !== undefined)
        return createSigningKey(context, options)
      await signedIn(context)
      const key = await context.client.apiKeys.create({
        name: options.name,
        scope: options.scope,
        ...(options.allowIp ? { allowedIps: options.allowIp } : {}),
        ...(options.expiresInDays ? { expiresInDays: options.expiresInDays } : {}),
      })
      showSecret(context, key, `Created ${key.scope} key`)
    }),
  )
  talksToServer(apiKeys.command('list').description('your keys (never their secrets)')).action(
    action(async (context) => {
      await signedIn(context)
      const keys = await context.client.apiKeys.list()
      context.emit(keys)
      if (keys.length === 0)
        return context.say('No API keys. Create one with `sigil api-keys create --name NAME`.')
      context.say(
        table(
          ['ID', 'NAME', 'SCOPE', 'STATUS', 'KEY', 'CREATED', 'EXPIRES', 'LAST USED', 'ALLOWED IPS'],
          keys.map((k) => [
            k.id,
            k.name,
            k.scope,
            k.status,
            // A signing key has no secret to mask: its algorithm and thumbprint say which key it is.
            'thumbprint' in k
              ? `${(k as SigningApiKey).alg} ${(k as SigningApiKey).thumbprint.slice(0, 12)}…`
              : k.masked,
            shortTime(k.createdAt),
            shortTime(k.expiresAt),
            k.lastUsedAt ? `${shortTime(k.lastUsedAt)} ${k.lastUsedIp ?? ''}`.trim() : '-',
            k.allowedIps.length ? k.allowedIps.join(',') : 'any',
          ]),
          context.paint,
        ),
      )
    }),
  )
  talksToServer(
    apiKeys
      .command('rotate')
      .description(
        'a new secret (or public key) for the same key; the old one stops working after the grace period',
      )
      .argument('<id>', 'the key id (see `sigil api-keys list`)')
      .option(
        '--grace-period <seconds>',
        'how long the old secret keeps working (default 0)',
        nonNegativeInteger,
      )
      .option('--public-key <file>', 'a signing key: its new public key (JWK or PEM)')
      .option(
        '--generate',
        'a signing key: a new Ed25519 pair made here; its private key replaces keys/<id>.pem',
      )
      .option('--key-file <file>', 'with --generate: write the new private key here instead'),
  ).action(
    action(async (context, options: RotateSigningKeyFlags, id: string) => {
      if (options.publicKey !== undefined || options.generate === true || options.keyFile !== undefined)
        return rotateSigningKey(context, id, options)
      await signedIn(context)
      const key = await context.client.apiKeys.rotate(
        id,
        options.gracePeriod === undefined ? {} : { gracePeriodSeconds: options.gracePeriod },
      )
      showSecret(context, key, 'Rotated key')
    }),
  )
  talksToServer(
    apiKeys.command('revoke').description('revoke a key at once').argument('<id>', 'the key id'),
  ).action(
    action(async (context, _options, id: string) => {
      await signedIn(context)
      await context.client.apiKeys.revoke(id)
      context.emit({ id, revoked: true })
      context.say(`Revoked key ${id}.`)
    }),
  )

  const sessions = program.command('sessions').description("your account's sign-ins")
  talksToServer(sessions.command('list').description('every session of your account')).action(
    action(async (context) => {
      await signedIn(context)
      const list = await context.client.sessions.list()
      context.emit(list)
      context.say(
        table(
          ['ID', 'KIND', 'CREATED', 'LAST USED', 'EXPIRES', 'IP', 'CLIENT'],
          list.map((s) => [
            s.current ? `${s.id} (this one)` : s.id,
            s.kind,
            shortTime(s.createdAt),
            shortTime(s.lastUsedAt),
            shortTime(s.expiresAt),
            s.ip ?? '-',
            s.userAgent ?? '-',
          ]),
          context.paint,
        ),
      )
    }),
  )
  talksToServer(
    sessions.command('revoke').description('end one session at once').argument('<id>', 'the session id'),
  ).action(
    action(async (context, _options, id: string) => {
      await signedIn(context)
      await context.client.sessions.revoke(id)
      context.emit({ id, revoked: true })
      context.say(`Ended session ${id}.`)
    }),
  )

  addRequestCommand(program)
}

function positiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('not a whole number ≥ 1')
  return Number(text)
}

function nonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('not a whole number ≥ 0')
  return Number(text)
}
