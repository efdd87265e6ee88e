// One `sigil serve` process for a benchmark, and what it costs: started from a checkout on a free
// loopback port over its own SQLite file (or the given PostgreSQL/Redis), optionally pinned to CPU
// 0, under `--cpu-prof` or under valgrind's callgrind; measured by its own CPU time (/proc), which
// moves much less with a busy host than wall-clock rates do. Shared by run.js, profile.js and
// websockets.js (as sign-in-load.js shares the load).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'

/** This checkout. */
export const thisRoot = new URL('..', import.meta.url).pathname

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

/** Whether the server and the load generator can each have a core (taskset exists, ≥ 2 CPUs). */
export function canPin() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return cpus().length >= 2
  } catch {
    return false
  }
}

/** This process (the load generator) on CPU 1; a server started with `pin` goes to CPU 0. */
export const pinLoadGenerator = () =>
  execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' })

/**
 * Starts the server and waits for `/healthz` (at most `startTimeoutMs`). Returns `{ url, pid,
 * stop }`, and with `callgrind` also `instructions.start()` / `.stop()` (the instructions executed
 * between them). `env` adds to (or overrides) the server's environment.
 */
export async function startSigil({
  root = thisRoot,
  env = {},
  databaseUrl,
  redisUrl,
  pin = false,
  nodeArgs = [],
  callgrind = false,
  tempPrefix = 'sigil-bench-',
  startTimeoutMs = 10_000,
} = {}) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), tempPrefix))
  // The server's folder goes with it, also when the bench itself is interrupted.
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  process.once('exit', removeDir)
  const args = [
    ...nodeArgs,
    // Under callgrind, V8 without background compiler and GC threads: counts repeat run to run.
    ...(callgrind ? ['--predictable'] : []),
    join(root, 'packages/server/bin/sigil.js'),
    'serve',
    '--port',
    String(port),
    '--public-url',
    'http://localhost:8080',
  ]
  const grind = [
    'valgrind',
    '--tool=callgrind',
    '--smc-check=all-non-file',
    '--instr-atstart=no',
    `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
  ]
  // taskset and valgrind exec node, so the child's pid is the server's own.
  const wrapper = [...(pin ? ['taskset', '-c', '0'] : []), ...(callgrind ? grind : [])]
  const [command, ...prefix] = [...wrapper, process.execPath]
  const child = spawn(command, [...prefix, ...args], {
    env: {
      PATH: process.env.PATH,
      SIGIL_DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, 'bench.db')}`,
      ...(redisUrl ? { SIGIL_REDIS_URL: redisUrl, SIGIL_REDIS_KEY_PREFIX: `sigil-bench:${port}:` } : {}),
      SIGIL_LOG_LEVEL: 'error',
      // Measure the auth work itself; rate limiting is a per-client budget, not a cost to time here.
      SIGIL_RATE_LIMITS: 'off',
      ...env,
    },
    stdio: ['ignore', 'ignore', callgrind ? 'ignore' : 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < startTimeoutMs / 50; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break
    } catch {}
    await new Promise((r) => setTimeout(r, 50))
  }
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', () => {
        removeDir()
        resolve()
      })
      child.kill('SIGTERM')
    })
  const server = { url, pid: child.pid, stop }
  return callgrind ? { ...server, instructions: instructionCounter(child.pid, dir) } : server
}

/** Instructions executed while collecting (callgrind_control toggles collection on and off). */
const instructionCounter = (pid, dir) => ({
  start: () => execFileSync('callgrind_control', ['-i', 'on', String(pid)], { stdio: 'ignore' }),
  stop: () => {
    execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' })
    execFileSync('callgrind_control', ['-i', 'off', String(pid)], { stdio: 'ignore' })
    const dumps = readdirSync(dir).filter((name) => name.startsWith('callgrind.out'))
    let total = 0
    for (const name of dumps) {
      const summary = readFileSync(join(dir, name), 'utf8').match(/^(?:summary|totals): (\d+)/m)
      if (summary) total = Math.max(total, Number(summary[1]))
    }
    return total
  },
})

/** utime + stime of a process so far, in clock ticks (100 Hz). */
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** Bytes written and write/read calls so far (/proc/<pid>/io): WAL pages and responses, load-independent. */
export const ioCounters = (pid) => {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ')),
  )
  return { bytes: Number(io.wchar), calls: Number(io.syscw), reads: Number(io.syscr) }
}

/** Runs `load()` (an autocannon run) and returns its result with the server CPU seconds it took. */
export async function withServerCpu(server, load) {
  const before = cpuTicks(server.pid)
  const result = await load()
  return { result, cpuSeconds: (cpuTicks(server.pid) - before) / 100 }
}

/**
 * What a measured run comes to: `ok` per second of the server's CPU (the figure compared across
 * builds and busy hosts) and how busy the server's core was (percent).
 */
export const perServerCpu = ({ ok, cpuSeconds, duration }) => ({
  perCpuSecond: Math.round(ok / cpuSeconds),
  serverCpu: Math.round((100 * cpuSeconds) / duration),
})
