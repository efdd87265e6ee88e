import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { eventually } from './support/eventually.js'
import { type SigilProcess, startSigilProcess } from './support/sigil-process.js'
import { tempDir } from './support/temp-dir.js'
import { startUpstream, type Upstream } from './support/upstream-server.js'

/** SIGTERM: stop accepting, finish what is in flight, tell WebSocket clients 1001, exit 0. */
describe('graceful shutdown of `sigil serve`', () => {
  let sigil: SigilProcess | undefined
  let upstream: Upstream | undefined
  afterEach(async () => {
    await sigil?.stop()
    await upstream?.close()
  })

  it('behavior: an in-flight request is answered, sockets are closed with 1001, new connections are refused, exit 0', async () => {
    // A backend that takes its time: the request is still in flight when SIGTERM arrives.
    upstream = await startUpstream((_request, response) => {
      setTimeout(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"markets":[]}'),
        600,
      )
    })
    sigil = await startSigilProcess({
      SIGIL_DATABASE_URL: `sqlite:${join(tempDir('sigil-shutdown-'), 'sigil.db')}`,
      SIGIL_PARADEX_UPSTREAM_URL: upstream.url,
    })
    const socket = new WebSocket(`${sigil.url.replace('http', 'ws')}/paradex/v1`)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))

    const inFlight = fetch(`${sigil.url}/paradex/v1/markets`)
    // In flight: the backend has it (and answers 600 ms later) when SIGTERM arrives.
    await eventually(5000, async () => upstream!.received.length === 1)
    sigil.child.kill('SIGTERM')

    expect(await closed).toBe(1001)
    const answered = await inFlight
    expect(answered.status).toBe(200)
    expect(await answered.json()).toEqual({ markets: [] })
    expect(await sigil.exited).toBe(0)
    await expect(fetch(`${sigil.url}/healthz`)).rejects.toThrow()
  })
})
