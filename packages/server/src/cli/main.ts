import { parseArgs } from 'node:util'
import { CONFIG_KEYS, type Config, ConfigError, envName, loadConfig, masterKeyBytes } from '../config.js'
import { systemClock } from '../core/clock.js'
import { createKeyRing } from '../core/tokens/create-key-ring.js'
import { openStores } from '../store/open-stores.js'
import {
  createInvites,
  listKeys,
  manageIsolatedAccounts,
  printAudit,
  redactUrlCredentials,
} from './operator-commands.js'
import { startServer } from './serve.js'

const USAGE = `Usage: sigil <command> [options]

Commands:
  serve            start the server
  keys rotate      make a new signing key active (running servers switch within seconds)
  keys list        list signing keys (kid, alg, created, retired)
  invites create   print new invite codes [--uses N] [--expires-in DAYS] [--count K]
  isolated-accounts add MAIN ISOLATED --market M | list MAIN | remove ISOLATED
                   isolated-market accounts a Paradex token may be authorized for
  audit            security events as JSON lines [--account ID|0xADDRESS] [--since ISO] [--limit N]
  config print     print the effective configuration (secrets redacted)

Options (every one also as SIGIL_<NAME> in the environment):
  --port N  --host H  --public-url URL  --database-url URL  --config FILE
`

const FLAG_KEYS = {
  port: 'port',
  host: 'host',
  'public-url': 'publicUrl',
  'database-url': 'databaseUrl',
} as const

function readConfig(values: Record<string, string | boolean | undefined>): Config {
  const flags = Object.fromEntries(Object.entries(FLAG_KEYS).map(([flag, key]) => [key, values[flag]]))
  return loadConfig({
    env: process.env,
    flags,
    ...(typeof values.config === 'string' ? { file: values.config } : {}),
  })
}

async function withKeyRing<T>(config: Config, work: (ring: ReturnType<typeof createKeyRing>) => Promise<T>) {
  const stores = await openStores(config.databaseUrl)
  try {
    const masterKey = masterKeyBytes(config)
    const ring = createKeyRing(stores.signingKeys, systemClock, {
      algorithm: config.jwtAlgorithm,
      retentionMs:
        (config.accessTokenTtlSeconds + config.jwtClockToleranceSeconds + config.keyRingRefreshSeconds) *
        1000,
      ...(masterKey ? { masterKey } : {}),
    })
    return await work(ring)
  } finally {
    await stores.close()
  }
}

async function run(command: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const config = readConfig(values)
  if (command[0] === 'isolated-accounts') return manageIsolatedAccounts(config, command.slice(1), values)
  switch (command.join(' ')) {
    case 'serve': {
      const server = await startServer(config)
      const stop = async () => {
        await server.close()
        process.exit(0)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      return new Promise<number>(() => {})
    }
    case 'keys rotate':
      return withKeyRing(config, async (ring) => {
        console.log(`active signing key: ${await ring.rotate()}`)
        return 0
      })
    case 'keys list':
      return listKeys(config)
    case 'invites create':
      return createInvites(config, values)
    case 'audit':
      return printAudit(config, values)
    case 'config print': {
      const shown = {
        ...config,
        databaseUrl: redactUrlCredentials(config.databaseUrl),
        ...(config.masterKey ? { masterKey: '[redacted]' } : {}),
      }
      console.log(JSON.stringify(shown, null, 2))
      return 0
    }
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
        config: { type: 'string' },
        uses: { type: 'string' },
        'expires-in': { type: 'string' },
        count: { type: 'string' },
        account: { type: 'string' },
        since: { type: 'string' },
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
    process.stdout.write(`${USAGE}\nSettings: ${CONFIG_KEYS.map(envName).join(', ')}\n`)
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
