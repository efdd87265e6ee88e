import { parseArgs } from 'node:util'
import { CONFIG_ENTRIES, type Config, ConfigError, loadConfig } from '../config.js'
import {
  createInvites,
  listKeys,
  manageIsolatedAccounts,
  migrate,
  printAudit,
  printConfig,
  rotateKeys,
} from './operator-commands.js'
import { startServer } from './serve.js'

const USAGE = `Usage: sigil <command> [options]

Commands:
  serve            start the server (PostgreSQL: refuses a schema that is not current)
  migrate          apply pending database migrations (SQLite or PostgreSQL), print them, exit
  keys rotate      schedule a new signing key: published in the JWKS now, signing after
                   signingKeyLeadSeconds [--now: signing at once, for a compromised key]
  keys list        list signing keys (kid, alg, created, signing from, retired)
  invites create   print new invite codes [--uses N] [--expires-in DAYS] [--count K]
  isolated-accounts add MAIN ISOLATED --market M | list MAIN | remove ISOLATED
                   isolated-market accounts a token may be authorized for
  audit            security events as JSON lines [--account ID|0xADDRESS] [--since ISO] [--until ISO]
                   [--limit N] (export before auditRetentionDays deletes them)
  config print     print the effective configuration (secrets redacted)

Options (every one also as SIGIL_<NAME> in the environment):
  --port N  --host H  --public-url URL  --database-url URL  --upstream URL  --config FILE
`

/** A request still running this long after SIGTERM is cut off: the process exits 1. */
const DRAIN_LIMIT_MS = 30_000

const FLAG_KEYS = {
  port: 'port',
  host: 'host',
  'public-url': 'publicUrl',
  'database-url': 'databaseUrl',
  upstream: 'upstreamUrl',
} as const

function readConfig(values: Record<string, string | boolean | undefined>): Config {
  const flags = Object.fromEntries(Object.entries(FLAG_KEYS).map(([flag, key]) => [key, values[flag]]))
  return loadConfig({
    env: process.env,
    flags,
    ...(typeof values.config === 'string' ? { file: values.config } : {}),
  })
}

async function run(command: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = readConfig(values)
  if (command[0] === 'isolated-accounts') return manageIsolatedAccounts(config, command.slice(1), values)
  switch (command.join(' ')) {
    case 'serve': {
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
    case 'migrate':
      return migrate(config)
    case 'keys rotate':
      return rotateKeys(config, values)
    case 'keys list':
      return listKeys(config)
    case 'invites create':
      return createInvites(config, values)
    case 'audit':
      return printAudit(config, values)
    case 'config print':
      return printConfig(config)
    default:
      process.stderr.write(USAGE)
      return 2
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        'database-url': { type: 'string' },
        upstream: { type: 'string' },
        config: { type: 'string' },
        uses: { type: 'string' },
        'expires-in': { type: 'string' },
        count: { type: 'string' },
        account: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        now: { type: 'boolean' },
        limit: { type: 'string' },
        market: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    process.stderr.write(`sigil: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (parsed.values.help || parsed.positionals.length === 0) {
    process.stdout.write(`${USAGE}\nSettings: ${CONFIG_ENTRIES.map((e) => e.env).join(', ')}\n`)
    return parsed.values.help ? 0 : 2
  }
  try {
    return await run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sigil: ${error.message}\n`)
      return 78 // EX_CONFIG
    }
    process.stderr.write(`sigil: ${(error as Error).message}\n`)
    return 1
  }
}
