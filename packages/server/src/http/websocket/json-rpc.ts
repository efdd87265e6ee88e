import type { RawData } from 'ws'

/** A request id as the client sent it: echoed with its type unchanged (ccxt: 1, 2…; paradex-py: µs, maybe a string). */
export type RpcId = number | string | null

export interface RpcRequest {
  method: string
  params: unknown
  /** Absent (undefined) when the client sent none, as ccxt does for subscribe: the reply omits it too. */
  id?: RpcId
}

/** The JSON-RPC 2.0 errors a frame can earn before any method runs. */
export type RpcProtocolError = 'PARSE_ERROR' | 'INVALID_REQUEST'

export type ParsedRpc =
  | { ok: true; request: RpcRequest }
  | { ok: false; error: RpcProtocolError; data: string; id?: RpcId }

/** Microseconds since the epoch, as Paradex's usIn/usOut (informational: clients ignore them). */
export const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000)

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isRpcId = (value: unknown): value is RpcId =>
  value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8')
}

/**
 * One WebSocket message to a JSON-RPC 2.0 request, or the error to answer. Batches are refused
 * (neither API has them). Once the id is known it is echoed even on an error; before that it is null.
 */
export function parseRpcRequest(data: RawData, isBinary: boolean): ParsedRpc {
  if (isBinary) return { ok: false, error: 'INVALID_REQUEST', data: 'send text frames', id: null }
  let message: unknown
  try {
    message = JSON.parse(text(data))
  } catch {
    return { ok: false, error: 'PARSE_ERROR', data: 'not JSON', id: null }
  }
  if (Array.isArray(message))
    return { ok: false, error: 'INVALID_REQUEST', data: 'batches are not supported', id: null }
  if (!isObject(message)) return { ok: false, error: 'INVALID_REQUEST', data: 'not an object', id: null }
  if ('id' in message && !isRpcId(message.id))
    return { ok: false, error: 'INVALID_REQUEST', data: 'id must be a number or a string', id: null }
  const id = 'id' in message ? { id: message.id as RpcId } : {}
  if (message.jsonrpc !== '2.0')
    return { ok: false, error: 'INVALID_REQUEST', data: 'jsonrpc must be "2.0"', ...id }
  if (typeof message.method !== 'string')
    return { ok: false, error: 'INVALID_REQUEST', data: 'method must be a string', ...id }
  if ('params' in message && !isObject(message.params) && !Array.isArray(message.params))
    return { ok: false, error: 'INVALID_REQUEST', data: 'params must be an object', ...id }
  return { ok: true, request: { method: message.method, params: message.params, ...id } }
}
