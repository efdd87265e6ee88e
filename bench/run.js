// Sigil benchmarks, in two parts:
// - protocol rows (bench/protocol.js): SIWE and Paradex verification per CPU-second, Sigil against
//   its peers (viem, siwe 3 + ethers 6, starknet.js) and bare native recovery, in this process;
// - HTTP rows: sign-ins per second (nonce + SIWE verify + token issue), Paradex auths per second
//   (SNIP-12 hash + Stark ECDSA verify + token issue) and authenticated requests per second
//   (GET /v1/auth/me with a Bearer JWT; GET /v1/verify/read with a JWT and with an API key, against
//   GET /healthz as the floor), on ONE server process per row.
// The server runs pinned to CPU 0 and autocannon (this process) to CPU 1 when taskset exists.
// Writes the tables into bench/RESULTS.md ("Latest run" section), bench/ratios.svg (README's
// chart) and bench/out/latest.json.
// - the WebSocket row (bench/websockets.js): server memory per authenticated native WebSocket,
//   10,000 of them (--sockets) held by one server process.
// Usage: npm run build && npm run bench [-- --duration 10 --connections 10 --only protocol|http|websockets]
// One row, briefly, printed and not written to RESULTS.md: ... -- --only http --row "signed request"
// - replica rows: a sign-in, GET /v1/auth/me and the API-key verify over PostgreSQL + Redis (a
//   throwaway database, bench/replica-stores.js), what each of many stateless replicas does; the
//   test services' URLs by default (--replica-postgres-url, --replica-redis-url), skipped when absent.
// Replicas' stores for every row: npm run bench -- --database-url postgres://… --redis-url redis://…
// runs the sign-in and JWT scenarios over PostgreSQL + Redis instead (the database is migrated first).
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, sign, verify } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { httpScenarios } from './http-scenarios.js'
import { benchProtocol, protocolTable, ratiosSvg } from './protocol.js'
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, openReplicaStores } from './replica-stores.js'
import { canPin, perServerCpu, pinLoadGenerator, startSigil, thisRoot } from './sigil-server.js'
import { benchWebSockets } from './websockets.js'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'replica-postgres-url': { type: 'string', default: DEFAULT_POSTGRES_URL },
    'replica-redis-url': { type: 'string', default: DEFAULT_REDIS_URL },
    only: { type: 'string' },
    // Runs only the HTTP rows whose name contains this text (e.g. --row "verify/read").
    row: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    sockets: { type: 'string', default: '10000' },
  },
})
if (values.only !== undefined && !['protocol', 'http', 'websockets'].includes(values.only))
  throw new Error('--only takes protocol, http or websockets')
const runProtocol = values.only === undefined || values.only === 'protocol'
const runHttp = values.only === undefined || values.only === 'http'
const runWebSockets = (values.only === undefined && values.row === undefined) || values.only === 'websockets'
const duration = Number(values.duration)
const connections = Number(values.connections)
const root = thisRoot
const hasTaskset = canPin()
if (hasTaskset) pinLoadGenerator()
/** Every server of this run: pinned to CPU 0 when this process has CPU 1, over the given stores. */
const serverOptions = { pin: hasTaskset, databaseUrl: values['database-url'], redisUrl: values['redis-url'] }

const http = httpScenarios({ connections, duration })

const scaledOut = values['database-url'] !== undefined
if (scaledOut)
  execFileSync(process.execPath, [join(root, 'packages/server/bin/sigil.js'), 'migrate'], {
    env: { PATH: process.env.PATH, SIGIL_DATABASE_URL: values['database-url'] },
    stdio: 'ignore',
  })
const allScenarios = [
  ['sign-in (nonce + SIWE + tokens), native secp256k1', { SIGIL_EVM_CRYPTO: 'native' }, http.benchSignIn],
  ['sign-in (nonce + SIWE + tokens), @noble fallback', { SIGIL_EVM_CRYPTO: 'noble' }, http.benchSignIn],
  ['Paradex POST /v1/auth (SNIP-12 + Stark ECDSA + token)', {}, http.benchParadexAuth],
  ['GET /v1/auth/me, Bearer ES256 JWT', {}, http.benchMe],
  ['GET /v1/auth/me, Bearer EdDSA JWT', { SIGIL_JWT_ALGORITHM: 'EdDSA' }, http.benchMe],
  ['GET /healthz (the floor)', {}, http.benchHealthz],
  ['GET /v1/verify/read, Bearer ES256 JWT', {}, http.benchVerifyJwt],
  ['GET /v1/verify/read, API key', {}, http.benchVerifyApiKey],
  ['GET /v1/verify/read, signed request (RFC 9421, Ed25519)', {}, http.benchVerifySignedRequest],
]
// Over PostgreSQL + Redis: what a replica does per store round trip (sign-ins) and without any (JWTs).
// A replica's rows (stores: the 'replica' marker): what one of many stateless replicas does per
// sign-in and per verified request when its stores are a network round trip away.
const REPLICA = ' · PostgreSQL + Redis (a replica)'
const replicaScenarios = [
  [
    `sign-in (nonce + SIWE + tokens), native secp256k1${REPLICA}`,
    { SIGIL_EVM_CRYPTO: 'native' },
    http.benchSignIn,
  ],
  [`GET /v1/auth/me, Bearer ES256 JWT${REPLICA}`, {}, http.benchMe],
  [`GET /v1/verify/read, API key${REPLICA}`, {}, http.benchVerifyApiKey],
].map(([name, env, bench]) => [name, env, bench, 'replica'])
const scenarios = (
  scaledOut
    ? allScenarios.filter(([name]) => name.includes('native secp256k1') || name.includes('ES256'))
    : [...allScenarios, ...replicaScenarios]
).filter(([name]) => values.row === undefined || name.includes(values.row))
const needsReplica = runHttp && scenarios.some(([, , , stores]) => stores === 'replica')
const replica = needsReplica
  ? await openReplicaStores({
      postgresUrl: values['replica-postgres-url'],
      redisUrl: values['replica-redis-url'],
    })
  : undefined
if (replica?.missing) console.error(`replica rows skipped: ${replica.missing}`)

/** shared/spec/perf-baselines.md's host check: one core should do ≈11,900 P-256 verifies/s. */
function calibrate() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const data = Buffer.alloc(32, 1)
  const signature = sign('sha256', data, privateKey)
  let count = 0
  const end = Date.now() + 1000
  while (Date.now() < end) {
    verify('sha256', data, publicKey, signature)
    count++
  }
  return count
}
const calibration = calibrate()

/** One progress line on stderr, rewritten in place. */
const progress = (text) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`)
  else process.stderr.write(`${text}\n`)
}

const rows = []
try {
  for (const [index, [name, env, bench, stores]] of (runHttp ? scenarios : []).entries()) {
    if (stores === 'replica' && !replica?.databaseUrl) continue
    const server = await startSigil(
      stores === 'replica'
        ? { ...serverOptions, databaseUrl: replica.databaseUrl, redisUrl: replica.redisUrl, env }
        : { ...serverOptions, env },
    )
    try {
      progress(`http · ${index + 1}/${scenarios.length} · ${name} · warm-up`)
      await bench(server) // warm-up run, discarded
      progress(`http · ${index + 1}/${scenarios.length} · ${name} · measuring`)
      const { result, cpuSeconds, ok, refused, perSecond } = await bench(server)
      const { perCpuSecond, serverCpu } = perServerCpu({ ok, cpuSeconds, duration })
      rows.push({
        name,
        perSecond: Math.round(perSecond),
        perCpuSecond,
        serverCpu: `${serverCpu}%`,
        p50: result.latency.p50,
        p99: result.latency.p99,
        refused,
        errors: result.errors,
      })
    } finally {
      await server.stop()
    }
  }
} finally {
  await replica?.close?.()
}

const webSockets = runWebSockets
  ? await benchWebSockets({ serverOptions, count: Number(values.sockets), progress })
  : undefined

// The protocol rows run after the HTTP ones: this process is the HTTP rows' load generator, and a
// server kept less than fully busy does less per CPU-second (the 2026-12-05 run, with the protocol
// rows first, had the sign-in server at 86% of its core; suspected, not proven: RESULTS.md).
const protocolRows = runProtocol
  ? await benchProtocol({ rounds: Number(values.rounds), progress: (text) => progress(`protocol · ${text}`) })
  : []

if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')

const table = [
  '| scenario | ok/s | per server-CPU-second | server CPU | p50 / p99 ms | non-2xx | errors |',
  '|---|---:|---:|---:|---|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.perSecond} | ${r.perCpuSecond} | ${r.serverCpu} | ${r.p50} / ${r.p99} | ${r.refused} | ${r.errors} |`,
  ),
].join('\n')
const stores = scaledOut
  ? `stores: PostgreSQL${values['redis-url'] ? ' + Redis' : ''}`
  : `stores: SQLite${replica?.databaseUrl ? ' (rows marked "a replica": PostgreSQL + Redis on this host)' : ''}`
const machine = `${cpus()[0].model} × ${cpus().length} · Node ${process.version}`
const calibrationText = `calibration ${calibration} P-256 verifies/s (quiet host ≈ 11,900)`
const date = new Date().toISOString()
const header = `${date} · ${stores} · ${machine} · ${connections} connections × ${duration} s · ${hasTaskset ? 'server pinned to CPU 0, load on CPU 1' : 'unpinned'} · ${calibrationText}`
const protocolHeader = `${date} · ${machine} · this process${hasTaskset ? ' pinned to CPU 1' : ''} · ${values.rounds} interleaved rounds, median · ${calibrationText}`
const protocolText = protocolRows.length > 0 ? protocolTable(protocolRows) : ''
if (protocolText)
  console.log(`Protocol level (per CPU-second of one core)\n${protocolHeader}\n\n${protocolText}\n`)
if (rows.length > 0) console.log(`HTTP\n${header}\n\n${table}`)
const webSocketsHeader = `${date} · ${machine} · server${hasTaskset ? ' pinned to CPU 0' : ''} · ${scaledOut ? stores : 'stores: SQLite'} · ${calibrationText}`
if (webSockets)
  console.log(
    `\nWebSockets (server memory per authenticated socket)\n${webSocketsHeader}\n\n${webSockets.table}`,
  )

mkdirSync(join(root, 'bench/out'), { recursive: true })
writeFileSync(
  join(root, 'bench/out/latest.json'),
  JSON.stringify({ header, rows, protocolHeader, protocolRows, webSockets: webSockets?.reading }, null, 2),
)

/** Replaces the text between `<!-- bench:<name>:start -->` and its end marker in RESULTS.md. */
function writeSection(name, body) {
  const file = join(root, 'bench/RESULTS.md')
  const start = `<!-- bench:${name}:start -->`
  const end = `<!-- bench:${name}:end -->`
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n'
  const block = `${start}\n${body}\n${end}`
  const at = text.indexOf(start)
  const until = text.indexOf(end)
  writeFileSync(
    file,
    at >= 0 && until > at
      ? `${text.slice(0, at)}${block}${text.slice(until + end.length)}`
      : `${text}\n${block}\n`,
  )
}
if (protocolText) {
  writeSection(
    'protocol',
    `### Latest run: protocol level (written by \`npm run bench\`)\n\n${protocolHeader}\n\n${protocolText}`,
  )
  const caption = `${date.slice(0, 10)} · ${cpus()[0].model} · Node ${process.version}`
  writeFileSync(
    join(root, 'bench/ratios.svg'),
    ratiosSvg(
      protocolRows.flatMap((r) => r.ratios),
      caption,
    ),
  )
}
// A partial run (--row) prints its rows only: the tables of RESULTS.md stay a whole run's.
if (rows.length > 0 && values.row === undefined)
  writeSection('http', `### Latest run: HTTP (written by \`npm run bench\`)\n\n${header}\n\n${table}`)
if (webSockets)
  writeSection(
    'websockets',
    `### Latest run: WebSockets (written by \`npm run bench\`)\n\n${webSocketsHeader}\n\n${webSockets.table}`,
  )
