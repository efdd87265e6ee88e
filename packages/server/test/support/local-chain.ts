import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { Account, createAddressFromString, hexToBytes } from '@ethereumjs/util'
import { createVM, type VM } from '@ethereumjs/vm'
// solc-js (the wasm build from npm): no compiler binary is downloaded.
import solc from 'solc'
import { bytesToHex, type Hex } from 'viem'

/**
 * A real EVM in the test process (@ethereumjs/vm), served over JSON-RPC HTTP on loopback, so
 * Sigil's chain reader runs exactly as in production (viem's http transport, real sockets). It
 * answers what a read-only verifier asks: eth_chainId, eth_blockNumber, eth_getCode, eth_call
 * (with `to`, or without it: a deployless call, whose state changes are rolled back). Every
 * request is logged, so a test can assert that none was made. Contracts are deployed and
 * changed by the tests directly on the VM (`deploy`, `send`), not over RPC.
 */
export interface LocalChain {
  chainId: number
  url: string
  /** JSON-RPC methods received, in order. */
  requests: string[]
  /** Delay every answer (a slow node); 0 answers at once. */
  setDelayMs(ms: number): void
  deploy(contract: Compiled, args?: Hex): Promise<Hex>
  /** A state-changing call from `from` (no signature: the tests own the chain). */
  send(from: Hex, to: Hex, data: Hex): Promise<void>
  /** A read-only call (e.g. a factory's address computation). */
  read(to: Hex, data: Hex): Promise<Hex>
  close(): Promise<void>
}

export interface Compiled {
  abi: readonly unknown[]
  bytecode: Hex
}

const GAS = 30_000_000n
const DEPLOYER = createAddressFromString('0x00000000000000000000000000000000000d3910')

export async function startLocalChain(chainId: number): Promise<LocalChain> {
  const common = new Common({ chain: { ...Mainnet, chainId }, hardfork: Hardfork.Cancun })
  const vm: VM = await createVM({ common })
  await vm.stateManager.putAccount(DEPLOYER, new Account(0n, 10n ** 24n))
  const requests: string[] = []
  let delayMs = 0

  /** Runs a call or create and keeps its state changes only when `commit`. */
  const run = async (opts: { to?: Hex | undefined; from?: Hex; data: Hex }, commit: boolean) => {
    await vm.evm.stateManager.checkpoint()
    try {
      const result = await vm.evm.runCall({
        caller: opts.from ? createAddressFromString(opts.from) : DEPLOYER,
        ...(opts.to ? { to: createAddressFromString(opts.to) } : {}),
        data: hexToBytes(opts.data),
        gasLimit: GAS,
      })
      if (commit && !result.execResult.exceptionError) await vm.evm.stateManager.commit()
      else await vm.evm.stateManager.revert()
      return result
    } catch (error) {
      await vm.evm.stateManager.revert()
      throw error
    }
  }

  const answer = async (method: string, params: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'eth_chainId':
        return `0x${chainId.toString(16)}`
      case 'eth_blockNumber':
        return '0x1'
      case 'eth_getCode': {
        const code = await vm.stateManager.getCode(createAddressFromString(params[0] as string))
        return bytesToHex(code)
      }
      case 'eth_call': {
        const call = params[0] as { to?: Hex; from?: Hex; data?: Hex; input?: Hex }
        const result = await run(
          { to: call.to, ...(call.from ? { from: call.from } : {}), data: call.data ?? call.input ?? '0x' },
          false,
        )
        const { exceptionError, returnValue } = result.execResult
        if (exceptionError) {
          throw Object.assign(new Error(`execution reverted`), {
            rpc: { code: 3, data: bytesToHex(returnValue) },
          })
        }
        return bytesToHex(returnValue)
      }
      default:
        throw Object.assign(new Error(`method ${method} not supported`), { rpc: { code: -32601 } })
    }
  }

  const server: Server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as { id: number; method: string; params?: unknown[] }
    requests.push(body.method)
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    let reply: object
    try {
      reply = { jsonrpc: '2.0', id: body.id, result: await answer(body.method, body.params ?? []) }
    } catch (error) {
      const rpc = (error as { rpc?: { code: number; data?: Hex } }).rpc ?? { code: -32603 }
      reply = { jsonrpc: '2.0', id: body.id, error: { ...rpc, message: (error as Error).message } }
    }
    if (response.destroyed) return
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    chainId,
    url: `http://127.0.0.1:${port}/`,
    requests,
    setDelayMs: (ms) => {
      delayMs = ms
    },
    async deploy(contract, args = '0x') {
      const nonce = (await vm.stateManager.getAccount(DEPLOYER))!.nonce
      const result = await run({ data: `${contract.bytecode}${args.slice(2)}` as Hex }, true)
      if (result.execResult.exceptionError || !result.createdAddress) throw new Error('deployment failed')
      // runCall does not bump the sender's nonce as a transaction would: do it, for the next address.
      const deployer = (await vm.stateManager.getAccount(DEPLOYER))!
      if (deployer.nonce === nonce) {
        deployer.nonce += 1n
        await vm.stateManager.putAccount(DEPLOYER, deployer)
      }
      return result.createdAddress.toString() as Hex
    },
    async send(from, to, data) {
      const result = await run({ from, to, data }, true)
      if (result.execResult.exceptionError)
        throw new Error(`call reverted: ${result.execResult.exceptionError.error}`)
    },
    async read(to, data) {
      const result = await run({ to, data }, false)
      if (result.execResult.exceptionError) throw new Error('read reverted')
      return bytesToHex(result.execResult.returnValue)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

/** Compiles Solidity sources with solc-js; every contract of every source, by name. */
export function compileContracts(sources: Record<string, string>): Record<string, Compiled> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'))
  const compiled: Record<string, Compiled> = {}
  for (const file of Object.values(output.contracts)) {
    for (const [name, contract] of Object.entries(file)) {
      compiled[name] = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
    }
  }
  return compiled
}
