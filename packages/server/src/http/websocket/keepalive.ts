import type { WebSocket } from 'ws'

export interface KeepAliveOptions {
  pingIntervalMs: number
  pongTimeoutMs: number
}

/**
 * The keepalive of every WebSocket (Paradex's, §8): a protocol ping every interval; a socket whose pong has not come back
 * within the timeout is terminated (a half-open TCP connection never says goodbye). Client pings
 * are answered by `ws` itself. Returns the function that stops the timers.
 */
export function keepAlive(socket: WebSocket, { pingIntervalMs, pongTimeoutMs }: KeepAliveOptions) {
  let deadline: NodeJS.Timeout | undefined
  const interval = setInterval(() => {
    // Still waiting for the previous pong (a timeout longer than the interval): no second ping.
    if (deadline !== undefined || socket.readyState !== socket.OPEN) return
    socket.ping()
    deadline = setTimeout(() => socket.terminate(), pongTimeoutMs)
  }, pingIntervalMs)
  const onPong = () => {
    clearTimeout(deadline)
    deadline = undefined
  }
  socket.on('pong', onPong)
  return () => {
    clearInterval(interval)
    clearTimeout(deadline)
    socket.off('pong', onPong)
  }
}
