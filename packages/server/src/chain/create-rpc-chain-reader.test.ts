import { HttpRequestError, InternalRpcError, RpcRequestError, TimeoutError } from 'viem'
import { describe, expect, it } from 'vitest'
import { isExecutionFailure } from './create-rpc-chain-reader.js'

const rpcError = (code: number, message: string) =>
  new RpcRequestError({ body: {}, error: { code, message }, url: 'http://127.0.0.1:8545' })

describe('isExecutionFailure: a verdict (401) apart from an outage (503)', () => {
  it('behavior: "execution reverted" (code 3, or geth -32000 without data) is a verdict', () => {
    expect(isExecutionFailure(rpcError(3, 'execution reverted'))).toBe(true)
    expect(isExecutionFailure(rpcError(-32000, 'execution reverted'))).toBe(true)
    expect(isExecutionFailure(rpcError(-32000, 'invalid opcode: INVALID'))).toBe(true)
  })

  it('negative: transport errors, timeouts, rate limits and internal errors are not', () => {
    expect(isExecutionFailure(new HttpRequestError({ url: 'http://127.0.0.1:1', status: 502 }))).toBe(false)
    expect(isExecutionFailure(new TimeoutError({ body: {}, url: 'http://127.0.0.1:1' }))).toBe(false)
    expect(isExecutionFailure(rpcError(-32005, 'limit exceeded'))).toBe(false)
    expect(isExecutionFailure(rpcError(-32000, 'header not found'))).toBe(false)
    expect(isExecutionFailure(new InternalRpcError(new Error('boom')))).toBe(false)
    expect(isExecutionFailure(new Error('execution reverted'))).toBe(false)
  })
})
