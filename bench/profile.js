// A/B helper for one HTTP scenario: starts `sigil serve` from a given checkout (default: this one),
// optionally under `--cpu-prof`, drives the scenario with autocannon and prints requests per
// server-CPU-second. Meant for comparing two builds on a shared, noisy machine: run A and B
// interleaved, several rounds, and compare the per-CPU figures and the profiles (the absolute
// rates move with the host; the server's own CPU time per request moves much less).
// Usage: node bench/profile.js [--root /path/to/other/checkout] [--scenario sign-in|healthz|
//   verify-jwt|verify-api-key] [--duration 10] [--rounds 1] [--cpu-prof-dir /tmp/prof]
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import {
  ioCounters,
  perServerCpu,
  pinLoadGenerator,
  startSigil,
  thisRoot,
  withServerCpu,
} from './sigil-server.js'
import { accessTokenOf, createApiKey, signInRequests } from './sign-in-load.js'

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: thisRoot },
    scenario: { type: 'string', default: 'sign-in' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    'cpu-prof-dir': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    pin: { type: 'boolean', default: false },
    // Instruction counts instead of time: the server runs under valgrind's callgrind, a fixed
    // number of requests is sent, and only the measured ones are counted. Repeatable under load.
    callgrind: { type: 'boolean', default: false },
    amount: { type: 'string', default: '2000' },
    'warmup-amount': { type: 'string', default: '3000' },
  },
})
const root = resolve(values.root)
const connections = Number(values.connections)
const duration = Number(values.duration)

const serverOptions = {
  root,
  env: Object.fromEntries(values.env.map((pair) => pair.split('='))),
  // --pin: the server on CPU 0 and this load generator on CPU 1, as bench/run.js does.
  pin: values.pin,
  nodeArgs: values['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-dir']] : [],
  callgrind: values.callgrind,
  tempPrefix: 'sigil-profile-',
  // Under callgrind the server starts many times slower.
  startTimeoutMs: 300_000,
}

/** autocannon options for the scenario, against a running server. */
async function scenarioOptions(url) {
  if (values.scenario === 'healthz') return { url: `${url}/healthz` }
  if (values.scenario === 'verify-jwt')
    return { url: `${url}/v1/verify/read`, headers: { authorization: `Bearer ${await accessTokenOf(url)}` } }
  if (values.scenario === 'verify-api-key') {
    const { secret } = await createApiKey(url, await accessTokenOf(url), { name: 'bench', scope: 'read' })
    return { url: `${url}/v1/verify/read`, headers: { 'x-api-key': secret } }
  }
  if (values.scenario !== 'sign-in') throw new Error(`unknown scenario ${values.scenario}`)
  return { url, requests: signInRequests(connections) }
}

if (values.pin) pinLoadGenerator()
for (let round = 0; round < Number(values.rounds); round++) {
  const server = await startSigil(serverOptions)
  try {
    const options = await scenarioOptions(server.url)
    // A sign-in is two requests (nonce, then SIWE); count completed sign-ins.
    const perOk = values.scenario === 'sign-in' ? 2 : 1
    if (values.callgrind) {
      const amount = (n) => Number(n) * perOk
      await autocannon({ ...options, connections, amount: amount(values['warmup-amount']), timeout: 600 })
      server.instructions.start()
      const result = await autocannon({
        ...options,
        connections,
        amount: amount(values.amount),
        timeout: 600,
      })
      const total = server.instructions.stop()
      const ok = result['2xx'] / perOk
      console.log(
        JSON.stringify({
          root,
          scenario: values.scenario,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          instructionsPerOk: Math.round(total / ok),
        }),
      )
      continue
    }
    await autocannon({ ...options, connections, duration: Number(values.warmup) })
    const ioBefore = ioCounters(server.pid)
    const clientBefore = process.cpuUsage()
    const { result, cpuSeconds } = await withServerCpu(server, () =>
      autocannon({ ...options, connections, duration }),
    )
    const io = ioCounters(server.pid)
    const client = process.cpuUsage(clientBefore)
    const clientCpu = (client.user + client.system) / 1e6 / duration
    const ok = result['2xx'] / perOk
    const { perCpuSecond, serverCpu } = perServerCpu({ ok, cpuSeconds, duration })
    console.log(
      JSON.stringify({
        root,
        scenario: values.scenario,
        ok,
        non2xx: result.non2xx,
        errors: result.errors,
        cpuSeconds,
        serverCpu,
        clientCpu: Math.round(100 * clientCpu),
        perCpuSecond,
        bytesWrittenPerOk: Math.round((io.bytes - ioBefore.bytes) / ok),
        writeCallsPerOk: +((io.calls - ioBefore.calls) / ok).toFixed(1),
        readCallsPerOk: +((io.reads - ioBefore.reads) / ok).toFixed(1),
      }),
    )
  } finally {
    await server.stop()
  }
}
