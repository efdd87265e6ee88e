import { nowMicros, type RpcId } from '../../../websocket/json-rpc.js'
import { type ParadexWsError, paradexWsErrors } from './errors.js'

export { isObject, nowMicros, parseRpcRequest, type RpcId } from '../../../websocket/json-rpc.js'

const withId = (frame: Record<string, unknown>, id: RpcId | undefined) =>
  id === undefined ? frame : { ...frame, id }

/** A success: `{"jsonrpc","result","usIn","usDiff","id"?}` (Paradex sends no usOut on success). */
export function resultFrame(result: Record<string, unknown>, id: RpcId | undefined, usIn: number) {
  return withId({ jsonrpc: '2.0', result, usIn, usDiff: nowMicros() - usIn }, id)
}

export function errorFrame(error: ParadexWsError, id: RpcId | undefined, usIn: number, data?: string) {
  const [code, message] = paradexWsErrors[error]
  const usOut = nowMicros()
  return withId(
    {
      jsonrpc: '2.0',
      error: data === undefined ? { code, message } : { code, message, data },
      usIn,
      usOut,
      usDiff: usOut - usIn,
    },
    id,
  )
}

/** A server push: a JSON-RPC notification, no id. */
export const pushFrame = (channel: string, data: unknown) => ({
  jsonrpc: '2.0',
  method: 'subscription',
  params: { channel, data },
})
