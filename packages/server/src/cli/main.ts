import { Argument, Command, CommanderError } from 'commander'
import type { Config } from '../config.js'
import { addClientCommands } from './client-commands.js'
import { bashCompletion } from './completion.js'
import { EXIT, Failure } from './exit-codes.js'

/*
 * The `sigil` command line, over commander: `--help` on every command, usage errors that say what
 * is wrong, and the tree the completion script is generated from. Operator commands (serve,
 * migrate, keys…) build Sigil from its settings; client commands (login, api-keys…) talk to a
 * running server through @sigil/client and never read the settings.
 *
 * The server side (settings, stores, Fastify) is imported when an operator command runs, not
 * before: it is most of the start-up time, and `sigil whoami` has no use for it.
 */
const operatorCommands = () => import('./operator-commands.js')

/** A request still running this long after SIGTERM is cut off: the process exits 1. */
const DRAIN_LIMIT_MS = 30_000

interface SettingFlags {
  port?: string
  host?: string
  publicUrl?: string
  databaseUrl?: string
  upstream?: string
  config?: string
}

/** The settings every operator command takes as flags (all of them also as SIGIL_<NAME>). */
function withSettings(command: Command): Command {
  return command
    .option('--port <n>', 'port to listen on (SIGIL_PORT)')
    .option('--host <host>', 'address to listen on (SIGIL_HOST)')
    .option('--public-url <url>', 'the origin wallets see (SIGIL_PUBLIC_URL)')
    .option('--database-url <url>', 'sqlite:FILE or postgres://… (SIGIL_DATABASE_URL)')
    .option('--upstream <url>', 'the trading backend Sigil proxies to (SIGIL_UPSTREAM_URL)')
    .option('--config <file>', 'a JSON file of settings')
}

async function readConfig(flags: SettingFlags): Promise<Config> {
  const { loadConfig } = await import('../config.js')
  return loadConfig({
    env: process.env,
    flags: {
      port: flags.port,
      host: flags.host,
      publicUrl: flags.publicUrl,
      databaseUrl: flags.databaseUrl,
      upstreamUrl: flags.upstream,
    },
    ...(flags.config === undefined ? {} : { file: flags.config }),
  })
}

async function serve(config: Config): Promise<number> {
  const { startServer } = await import('./serve.js')
  const server = await startServer(config)
  let stopping = false
  // SIGTERM: stop accepting, let in-flight requests finish, close sockets with 1001, exit 0.
  const stop = async () => {
    if (stopping) return
    stopping = true
    server.app.log.info('shutting down: draining requests, closing sockets')
    setTimeout(() => process.exit(1), DRAIN_LIMIT_MS).unref()
    await server.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return new Promise<number>(() => {})
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('sigil')
    .description('Sigil: wallet sign-in for trading venues. The server, its operator commands, and a client.')
    .exitOverride()
    .showHelpAfterError()
  /** An operator command: its settings are read, then `work` runs with them. */
  const operator = <A extends unknown[]>(
    command: Command,
    work: (
      config: Config,
      options: Record<string, string | undefined>,
      ...args: A
    ) => Promise<number> | number,
  ) =>
    withSettings(command).action(async (...args: unknown[]) => {
      const options = (args.at(-1) as Command).opts<SettingFlags & Record<string, string | undefined>>()
      try {
        const config = await readConfig(options)
        setExitCode(await work(config, options, ...(args.slice(0, -2) as A)))
      } catch (error) {
        // A ConfigError lists every problem of the settings at once, whether the settings themselves
        // or what they name (an unreadable geoIpDatabase found at start) are wrong: EX_CONFIG.
        if ((error as Error).name === 'ConfigError') throw new Failure((error as Error).message, EXIT.config)
        throw error
      }
    })

  operator(
    program
      .command('serve')
      .description('start the server (PostgreSQL: refuses a schema that is not current)')
      .addHelpText(
        'after',
        '\nEvery setting is also SIGIL_<NAME> in the environment or a key of the --config file:\ndocs/configuration.md lists them; `sigil config print` shows the effective ones.\n',
      ),
    serve,
  )
  operator(
    program
      .command('migrate')
      .description('apply pending database migrations (SQLite or PostgreSQL), print them'),
    async (config) => (await operatorCommands()).migrate(config),
  )
  const keys = program.command('keys').description("the server's JWT signing keys")
  operator(
    keys
      .command('rotate')
      .description(
        'schedule a new signing key: in the JWKS now, signing after signingKeyLeadSeconds (every replica)',
      )
      .option(
        '--now',
        'sign with it at once (a compromised key): cached JWKS refuse new tokens until refetched',
      ),
    async (config, options) => (await operatorCommands()).rotateKeys(config, options),
  )
  operator(
    keys.command('list').description('list signing keys (kid, alg, created, signing from, retired)'),
    async (config) => (await operatorCommands()).listKeys(config),
  )
  const invites = program.command('invites').description('invite codes (with invitesRequired)')
  operator(
    invites
      .command('create')
      .description('print new invite codes, once')
      .option('--uses <n>', 'how many accounts one code activates (default 1)')
      .option('--expires-in <days>', 'days until the codes expire (default: never)')
      .option('--count <k>', 'how many codes (default 1)'),
    async (config, options) =>
      (await operatorCommands()).createInvites(config, { ...options, 'expires-in': options.expiresIn }),
  )
  operator(
    program
      .command('isolated-accounts')
      .description('isolated-market accounts a Paradex token may be authorized for')
      .usage('add MAIN ISOLATED --market M | list MAIN | remove ISOLATED')
      .argument('[action-and-accounts...]', 'add MAIN ISOLATED, list MAIN, or remove ISOLATED')
      .option('--market <market>', 'the market of the isolated account (add)'),
    async (config, options, args: string[]) =>
      (await operatorCommands()).manageIsolatedAccounts(config, args, options),
  )
  operator(
    program
      .command('audit')
      .description('security events as JSON lines, oldest first')
      .option('--account <id-or-address>', 'only this account')
      .option('--since <iso-date>', 'only events from then on')
      .option('--until <iso-date>', 'only events before then (export before auditRetentionDays deletes them)')
      .option('--limit <n>', 'at most this many (default 1000)'),
    async (config, options) => (await operatorCommands()).printAudit(config, options),
  )
  const config = program.command('config').description('the configuration')
  operator(
    config.command('print').description('print the effective configuration (secrets redacted)'),
    async (config) => (await operatorCommands()).printConfig(config),
  )

  addClientCommands(program)

  program
    .command('completion')
    .description('print a shell completion script: source <(sigil completion bash)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash']))
    .action(() => {
      process.stdout.write(bashCompletion(program))
    })

  program.addHelpText(
    'after',
    `\nClient commands talk to --url (SIGIL_URL, default http://localhost:8080) and read SIGIL_PRIVATE_KEY (login);\nsee docs/cli.md. Exit codes: 0 ok, 1 refused, 2 usage, 69 server unreachable, 77 not signed in, 78 bad setting.\n`,
  )
  return program
}

/** What went wrong, on stderr (as JSON when `--json` was asked), and the exit code for it. */
function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage // commander said it
  const [message, exitCode, reason] =
    error instanceof Failure
      ? [error.message, error.exitCode, error.reason]
      : [error instanceof Error ? error.message : String(error), EXIT.failure, undefined]
  process.stderr.write(
    json ? `${JSON.stringify({ error: { message, exitCode, ...reason } })}\n` : `sigil: ${message}\n`,
  )
  return exitCode
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok
  const program = buildProgram((code) => {
    exitCode = code
  })
  if (argv.length === 0) {
    program.outputHelp({ error: true })
    return EXIT.usage
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (error) {
    return report(error, argv.includes('--json'))
  }
}
