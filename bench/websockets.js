// Memory per authenticated native WebSocket (issue 12's "10,000 authenticated WebSockets on one
// process" row), run by bench/run.js (`npm run bench -- --only websockets [--sockets 10000]`).
// One server process, started with the V8 inspector on loopback so this script can force its GC
// and read its heap (Chrome DevTools Protocol over the inspector's WebSocket). This process signs
// in one wallet and opens N sockets to `/v1/ws` in batches; each sends `auth` with the access JWT
// and subscribes to one private channel. Bytes per socket = (after − before) / N, where "before"
// is taken after a discarded warm-up batch (code loaded, JIT warm) and both readings follow a
// forced full GC. Memory per socket does not depend on how busy the host is.
import { readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { freePort, startSigil } from './sigil-server.js'
import { accessTokenOf } from './sign-in-load.js'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const rssBytes = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024

/** A CDP session on the server's inspector: `send(method, params)` resolves with the result. */
async function inspect(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()
  const socket = new WebSocket(target.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const pending = new Map()
  let next = 1
  socket.on('message', (data) => {
    const message = JSON.parse(data)
    pending.get(message.id)?.(message.result)
    pending.delete(message.id)
  })
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = next++
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, method, params }))
    })
  return { send, close: () => socket.close() }
}

/** Two full GCs, a pause, then the server's RSS and V8 heap (used bytes). */
async function settle(server, cdp) {
  await sleep(1000)
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  await sleep(500)
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  return { rss: rssBytes(server.pid), heap: usedSize }
}

const origin = (url) =>
  url.includes('/packages/')
    ? 'Sigil'
    : url.includes('/node_modules/')
      ? url.split('/node_modules/').at(-1).split('/')[0]
      : url.startsWith('node:')
        ? 'Node core'
        : 'V8 / other'

/**
 * Where the held memory was allocated: the sampling heap profiler's live samples (taken while the
 * sockets were opened, read after the GC), summed by the allocating package and by the top frames.
 */
function liveAllocations(profile) {
  const byOrigin = new Map()
  const byFrame = new Map()
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame
    if (node.selfSize > 0) {
      const key = origin(url)
      byOrigin.set(key, (byOrigin.get(key) ?? 0) + node.selfSize)
      const frame = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`
      byFrame.set(frame, (byFrame.get(frame) ?? 0) + node.selfSize)
    }
    for (const child of node.children) walk(child)
  }
  walk(profile.head)
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  return { byOrigin: top(byOrigin, 6), byFrame: top(byFrame, 8) }
}

/** One socket: open, `auth`, subscribe to one private channel; resolves with the open socket. */
function authenticatedSocket(wsUrl, accessToken) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl)
    const fail = (why) => {
      socket.terminate()
      reject(new Error(why))
    }
    socket.once('error', (error) => fail(error.message))
    socket.once('close', (code) => fail(`closed ${code}`))
    socket.once('open', () =>
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'auth', params: { bearer: accessToken } })),
    )
    socket.on('message', (data) => {
      const message = JSON.parse(data)
      if (message.error) return fail(JSON.stringify(message.error))
      if (message.id === 1)
        socket.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 2,
            method: 'subscribe',
            params: { channel: 'private:orders' },
          }),
        )
      if (message.id === 2) {
        socket.removeAllListeners()
        socket.on('error', () => {}) // a late reset while closing is not this bench's business
        resolve(socket)
      }
    })
  })
}

async function openSockets(wsUrl, accessToken, count, batch, onProgress) {
  const sockets = []
  for (let i = 0; i < count; i += batch) {
    const size = Math.min(batch, count - i)
    sockets.push(
      ...(await Promise.all(Array.from({ length: size }, () => authenticatedSocket(wsUrl, accessToken)))),
    )
    onProgress?.(sockets.length)
  }
  return sockets
}

const closeAll = (sockets) =>
  Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => {
          socket.once('close', resolve)
          socket.close()
        }),
    ),
  )

/** The `sigil_websockets_open{dialect="native"}` gauge: the server's own count of held sockets. */
async function serverSocketCount(url) {
  const text = await (await fetch(`${url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith('sigil_websockets_open{dialect="native"}'))
  return line ? Number(line.split(' ').at(-1)) : undefined
}

/**
 * `serverOptions` are bench/run.js's (sigil-server.js's startSigil: pinning, stores); returns the
 * reading and its table.
 */
export async function benchWebSockets({ serverOptions, count, batch = 250, progress }) {
  const inspectorPort = await freePort()
  const env = {
    NODE_OPTIONS: `--inspect=127.0.0.1:${inspectorPort}`,
    // Every socket comes from 127.0.0.1: lift the per-address caps for this server only.
    SIGIL_MAX_CONNECTIONS_PER_IP: '0',
    SIGIL_NATIVE_WS_MAX_SOCKETS_PER_IP: String(count + batch),
    SIGIL_WEB_SOCKET_MESSAGES_PER_SECOND_PER_IP: String(100 * count),
    // The sockets must outlive the run (a socket closes at its JWT's exp).
    SIGIL_ACCESS_TOKEN_TTL_SECONDS: '3600',
  }
  const server = await startSigil({ ...serverOptions, env })
  let cdp
  const held = []
  try {
    cdp = await inspect(inspectorPort)
    const wsUrl = `${server.url.replace('http', 'ws')}/v1/ws`
    const accessToken = await accessTokenOf(server.url)
    progress(`websockets · warm-up (${batch} sockets, discarded)`)
    await closeAll(await openSockets(wsUrl, accessToken, batch, batch))
    const before = await settle(server, cdp)
    await cdp.send('HeapProfiler.startSampling', { samplingInterval: 4096 })
    const started = Date.now()
    held.push(
      ...(await openSockets(wsUrl, accessToken, count, batch, (n) =>
        progress(`websockets · ${n}/${count} authenticated`),
      )),
    )
    const openSeconds = (Date.now() - started) / 1000
    const after = await settle(server, cdp)
    const { profile } = await cdp.send('HeapProfiler.getSamplingProfile')
    await cdp.send('HeapProfiler.stopSampling')
    const serverCount = await serverSocketCount(server.url)
    const reading = {
      count,
      serverCount,
      openSeconds,
      before,
      after,
      rssPerSocket: (after.rss - before.rss) / count,
      heapPerSocket: (after.heap - before.heap) / count,
      allocations: liveAllocations(profile),
    }
    return { reading, table: webSocketsTable(reading) }
  } finally {
    progress('websockets · closing')
    await closeAll(held)
    cdp?.close()
    await server.stop()
  }
}

const mib = (bytes) => (bytes / 1048576).toFixed(1)
const kib = (bytes) => (bytes / 1024).toFixed(1)

export const webSocketsTable = (r) =>
  [
    '| measure | before | after | per socket | target |',
    '|---|---:|---:|---:|---:|',
    `| server RSS (VmRSS) | ${mib(r.before.rss)} MiB | ${mib(r.after.rss)} MiB | **${kib(r.rssPerSocket)} KiB** | < 20 KiB |`,
    `| V8 heap used (after full GC) | ${mib(r.before.heap)} MiB | ${mib(r.after.heap)} MiB | ${kib(r.heapPerSocket)} KiB | |`,
    '',
    `${r.count} sockets authenticated (JWT) and subscribed to one private channel in ${r.openSeconds.toFixed(1)} s; the server counted ${r.serverCount ?? '?'} open native sockets (\`sigil_websockets_open\`).`,
    '',
    'Live heap per socket by where it was allocated (sampling heap profiler, after the GC):',
    `${r.allocations.byOrigin.map(([name, bytes]) => `${name} ${kib(bytes / r.count)} KiB`).join(' · ')};`,
    `top frames: ${r.allocations.byFrame.map(([frame, bytes]) => `\`${frame}\` ${kib(bytes / r.count)}`).join(' · ')} (KiB).`,
  ].join('\n')
