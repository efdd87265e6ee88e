/**
 * Fuzz: `parseRpcRequest`, the reader of one client frame (JSON-RPC 2.0) both WebSockets (native and Paradex) share.
 *
 * Contract: never throws, whatever the frame (text or binary, Buffer, ArrayBuffer or fragments,
 * valid UTF-8 or not, any JSON); yields either a request (`jsonrpc: "2.0"`, a string method,
 * object or array params or none) or an error whose id follows the rule: `null` when the id could
 * not be read (not JSON, not an object, a batch, an id that is neither number nor string nor
 * null), the client's id as sent once it could, and no id at all when the client sent none.
 *
 * Budget: 4,000 runs, about 1 s on one idle core.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RawData } from 'ws'
import { parseRpcRequest } from './json-rpc.js'

const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))

const rpcId = fc.oneof(
  fc.integer(),
  fc.double(), // NaN and ±Infinity cannot come out of JSON, but 1e400 parses to Infinity
  fc.string({ maxLength: 10 }),
  fc.constant(null),
  fc.constant(true),
  fc.array(fc.nat(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
)
/** Frames shaped like requests, each member possibly missing or of the wrong type. */
const requestLike = fc
  .record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constantFrom('2', '1.0', 2, null)),
      method: fc.oneof(
        fc.constantFrom('auth', 'subscribe', 'unsubscribe', ''),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      params: fc.oneof(
        fc.object({ maxDepth: 2 }),
        fc.array(fc.jsonValue({ maxDepth: 1 })),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      id: rpcId,
      __proto__: fc.object({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .map((frame) => JSON.stringify(frame).replace('"1e+400"', '1e400'))
const text = fc.oneof(
  requestLike,
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: anyCodePoint, maxLength: 80 }),
  fc.constantFrom(
    '{"jsonrpc":"2.0","method":"auth","id":1e400}',
    '[]',
    '[{}]',
    '{"id":1',
    '"x"',
    'null',
    '{"__proto__":{"id":1}}',
  ),
  fc.nat({ max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
)
/** The same text in every shape `ws` hands a message over, or raw bytes (invalid UTF-8 included). */
const frame: fc.Arbitrary<{ data: RawData; isBinary: boolean; json: string | undefined }> = fc.oneof(
  fc
    .tuple(text, fc.constantFrom('buffer', 'arraybuffer', 'fragments'), fc.boolean())
    .map(([t, shape, isBinary]) => {
      const bytes = Buffer.from(t, 'utf8')
      const data: RawData =
        shape === 'buffer'
          ? bytes
          : shape === 'arraybuffer'
            ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
            : [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)]
      return { data, isBinary, json: Buffer.from(t, 'utf8').toString('utf8') }
    }),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => ({ data: Buffer.from(bytes), isBinary: false, json: undefined })),
)

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

describe('parseRpcRequest fuzz', () => {
  it('property: never throws; a request or an error with the right id', () => {
    fc.assert(
      fc.property(frame, ({ data, isBinary, json }) => {
        const parsed = parseRpcRequest(data, isBinary)
        let message: unknown
        let isJson = true
        try {
          message = JSON.parse(json ?? Buffer.from(data as Buffer).toString('utf8'))
        } catch {
          isJson = false
        }
        if (parsed.ok) {
          expect(isBinary).toBe(false)
          expect(isObject(message) && message.jsonrpc === '2.0').toBe(true)
          expect(typeof parsed.request.method).toBe('string')
          const { params } = parsed.request
          expect(params === undefined || typeof params === 'object').toBe(true)
          expect(params).not.toBeNull()
          const sent = message as Record<string, unknown>
          if ('id' in sent) expect(parsed.request.id).toEqual(sent.id)
          else expect('id' in parsed.request).toBe(false)
          return
        }
        const idReadable =
          !isBinary &&
          isJson &&
          isObject(message) &&
          'id' in message &&
          (message.id === null ||
            typeof message.id === 'string' ||
            (typeof message.id === 'number' && Number.isFinite(message.id)))
        if (idReadable) expect(parsed.id).toEqual((message as { id: unknown }).id)
        else if (!isBinary && isJson && isObject(message) && !('id' in message))
          expect('id' in parsed).toBe(false)
        else expect(parsed.id).toBeNull()
        if (!isJson && !isBinary) expect(parsed.error).toBe('PARSE_ERROR')
      }),
      { numRuns: 3000 },
    )
  })

  it('property: a well-formed request is always accepted, with its id echoed unchanged', () => {
    const request = fc.record(
      {
        method: fc.string({ maxLength: 20 }),
        params: fc.oneof(
          fc.object({ maxDepth: 2 }),
          fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
        ),
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.constant(null)),
      },
      { requiredKeys: ['method'] },
    )
    fc.assert(
      fc.property(request, (r) => {
        const json = JSON.stringify({ jsonrpc: '2.0', ...r })
        const { jsonrpc: _, ...sent } = JSON.parse(json) as Record<string, unknown>
        expect(parseRpcRequest(Buffer.from(json), false)).toEqual({ ok: true, request: sent })
      }),
      { numRuns: 1000 },
    )
  })
})
