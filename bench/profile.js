// A/B helper for one HTTP scenario: starts `sigil serve` from a given checkout (default: this one),
// optionally under `--cpu-prof`, drives the scenario with autocannon and prints requests per
// server-CPU-second. Meant for comparing two builds on a shared, noisy machine: run A and B
// interleaved, several rounds, and compare the per-CPU figures and the profiles (the absolute
// rates move with the host; the server's own CPU time per request moves much less).
// Usage: node bench/profile.js [--root /path/to/other/checkout] [--scenario sign-in|healthz|
//   verify-jwt|verify-api-key] [--duration 10] [--rounds 1] [--cpu-prof-dir /tmp/prof]
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { accessTokenOf, signInRequests } from './sign-in-load.js'

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: new URL('..', import.meta.url).pathname },
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

const freePort = () =>
  new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => done(port))
    })
  })

async function startSigil() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sigil-profile-'))
  // Also when this script is interrupted (the server's folder would be left in /tmp otherwise).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const extraEnv = Object.fromEntries(values.env.map((pair) => pair.split('=')))
  const profile = values['cpu-prof-dir'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof-dir']] : []
  const args = [
    ...profile,
    // Under callgrind, V8 without background compiler and GC threads: counts repeat run to run.
    ...(values.callgrind ? ['--predictable'] : []),
    join(root, 'packages/server/bin/sigil.js'),
    'serve',
    '--port',
    String(port),
    '--public-url',
    'http://localhost:8080',
  ]
  // --pin: the server on CPU 0 and this load generator on CPU 1, as bench/run.js does.
  const grind = [
    'valgrind',
    '--tool=callgrind',
    '--smc-check=all-non-file',
    '--instr-atstart=no',
    `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
  ]
  const wrapper = [...(values.pin ? ['taskset', '-c', '0'] : []), ...(values.callgrind ? grind : [])]
  const [command, ...prefix] = [...wrapper, process.execPath]
  const child = spawn(command, [...prefix, ...args], {
    env: {
      PATH: process.env.PATH,
      SIGIL_DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
      SIGIL_LOG_LEVEL: 'error',
      SIGIL_RATE_LIMITS: 'off',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', values.callgrind ? 'ignore' : 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 6000; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    await new Promise((r) => setTimeout(r, 50))
  }
  const stop = () =>
    new Promise((done) => {
      child.once('exit', () => {
        rmSync(dir, { recursive: true, force: true })
        done()
      })
      child.kill('SIGTERM')
    })
  /** Instructions executed while collecting (callgrind_control toggles collection on and off). */
  const instructions = {
    start: () => execFileSync('callgrind_control', ['-i', 'on', String(child.pid)], { stdio: 'ignore' }),
    stop: () => {
      execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' })
      execFileSync('callgrind_control', ['-i', 'off', String(child.pid)], { stdio: 'ignore' })
      const dumps = readdirSync(dir).filter((name) => name.startsWith('callgrind.out'))
      let total = 0
      for (const name of dumps) {
        const summary = readFileSync(join(dir, name), 'utf8').match(/^(?:summary|totals): (\d+)/m)
        if (summary) total = Math.max(total, Number(summary[1]))
      }
      return total
    },
  }
  return { url, pid: child.pid, stop, instructions }
}

const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** Bytes written and write calls so far (/proc/<pid>/io): WAL pages and responses, load-independent. */
const writes = (pid) => {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ')),
  )
  return { bytes: Number(io.wchar), calls: Number(io.syscw), reads: Number(io.syscr) }
}

/** autocannon options for the scenario, against a running server. */
async function scenarioOptions(url) {
  if (values.scenario === 'healthz') return { url: `${url}/healthz` }
  if (values.scenario === 'verify-jwt')
    return { url: `${url}/v1/verify/read`, headers: { authorization: `Bearer ${await accessTokenOf(url)}` } }
  if (values.scenario === 'verify-api-key') {
    const created = await fetch(`${url}/v1/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await accessTokenOf(url)}` },
      body: JSON.stringify({ name: 'bench', scope: 'read' }),
    })
    return { url: `${url}/v1/verify/read`, headers: { 'x-api-key': (await created.json()).secret } }
  }
  if (values.scenario !== 'sign-in') throw new Error(`unknown scenario ${values.scenario}`)
  return { url, requests: signInRequests(connections) }
}

if (values.pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })
for (let round = 0; round < Number(values.rounds); round++) {
  const server = await startSigil()
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
    const before = cpuTicks(server.pid)
    const ioBefore = writes(server.pid)
    const clientBefore = process.cpuUsage()
    const result = await autocannon({ ...options, connections, duration: Number(values.duration) })
    const cpuSeconds = (cpuTicks(server.pid) - before) / 100
    const io = writes(server.pid)
    const client = process.cpuUsage(clientBefore)
    const clientCpu = (client.user + client.system) / 1e6 / Number(values.duration)
    const ok = result['2xx'] / perOk
    console.log(
      JSON.stringify({
        root,
        scenario: values.scenario,
        ok,
        non2xx: result.non2xx,
        errors: result.errors,
        cpuSeconds,
        serverCpu: Math.round((100 * cpuSeconds) / Number(values.duration)),
        clientCpu: Math.round(100 * clientCpu),
        perCpuSecond: Math.round(ok / cpuSeconds),
        bytesWrittenPerOk: Math.round((io.bytes - ioBefore.bytes) / ok),
        writeCallsPerOk: +((io.calls - ioBefore.calls) / ok).toFixed(1),
        readCallsPerOk: +((io.reads - ioBefore.reads) / ok).toFixed(1),
      }),
    )
  } finally {
    await server.stop()
  }
}
