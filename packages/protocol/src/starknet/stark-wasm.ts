/**
 * The Stark field and curve arithmetic in WebAssembly (source: packages/protocol/wasm/, built by
 * wasm/build.js into stark-wasm-binary.ts), with BigInt only at this boundary: felts and scalars
 * go in and come out as eight u32 words, table points are stored once in Montgomery form, and a
 * whole table walk is one call.
 *
 * Hand-written because no well-kept fast Stark library exists on npm: @scure/starknet (over
 * @noble/curves, BigInt) is the well-kept one, and starknet.js over it measured ≈180x slower than
 * this for a Paradex auth; pedersen-fast (starknet-rs as WASM) does Pedersen only and was no
 * faster than our earlier BigInt tables (bench/RESULTS.md). The BigInt version spent ≈80% of its time in V8's BigInt `%`; here a field
 * multiplication is 81 u64 limb products and a 3-limb Montgomery reduction. Every result is
 * pinned to @scure/starknet and to BigInt arithmetic by property tests (stark-wasm.test.ts,
 * pedersen.test.ts, verify-stark-signature.test.ts).
 *
 * Node compiles the module synchronously on first use (≈7 kB); the Starknet code is not part of
 * the browser bundle.
 */

import { STARK_WASM_BASE64 } from './stark-wasm-binary.js'

/** The few WebAssembly APIs used here (the project's type libraries have no WebAssembly). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: object }
}
/** A pointer into the module's linear memory. */
export type Pointer = number

/** The module's exports (wasm/curve.ts); every argument is a pointer unless named otherwise. */
export interface StarkWasmExports {
  readonly memory: WasmMemory
  heapBase(): Pointer
  mul(out: Pointer, a: Pointer, b: Pointer): void
  sqr(out: Pointer, a: Pointer): void
  add(out: Pointer, a: Pointer, b: Pointer): void
  sub(out: Pointer, a: Pointer, b: Pointer): void
  invert(out: Pointer, a: Pointer): void
  /** 1 with a square root of a in out, 0 when a is no square. */
  sqrt(out: Pointer, a: Pointer): number
  isZero(a: Pointer): number
  equal(a: Pointer, b: Pointer): number
  fromWords(out: Pointer, words: Pointer): void
  toWords(words: Pointer, a: Pointer): void
  setInfinity(p: Pointer): void
  copyPoint(dst: Pointer, src: Pointer): void
  double(p: Pointer): void
  addAffine(p: Pointer, q: Pointer, negate: number): void
  addJacobian(p: Pointer, q: Pointer, negate: number): void
  walk(
    p: Pointer,
    table: Pointer,
    width: number,
    windows: number,
    scalar: Pointer,
    from: number,
    to: number,
  ): void
  hasAffineX(p: Pointer, xWords: Pointer): number
  affineX(xWords: Pointer, p: Pointer): void
  importTable(table: Pointer, words: Pointer, count: number): void
  buildTable(table: Pointer, words: Pointer, width: number, windows: number, scratch: Pointer): void
  setAffine(p: Pointer, words: Pointer): void
}

/** Bytes of a field element (9 limbs of 29 bits), a Jacobian point, a table point. */
export const FIELD_BYTES = 36
export const POINT_BYTES = 3 * FIELD_BYTES
export const TABLE_POINT_BYTES = 2 * FIELD_BYTES
/** A 256-bit integer as words, with room for the zero word a walk reads past its end. */
export const WORDS_BYTES = 40

/** A signed-window table in linear memory (the layout of stark-point-arithmetic's `windowTable`). */
export interface WasmTable {
  readonly at: Pointer
  readonly width: number
  readonly windows: number
}

export interface StarkWasm {
  readonly exports: StarkWasmExports
  /** Reserves `bytes` of zeroed memory, 8-byte aligned, growing the memory as needed. */
  allocate(bytes: number): Pointer
  /** Returns a block from {@link allocate} for reuse by a block of the same size. */
  release(at: Pointer, bytes: number): void
  /** Writes 0 ≤ value < 2^256 as eight little-endian u32 words. */
  writeWords(at: Pointer, value: bigint): void
  readWords(at: Pointer): bigint
  /**
   * Builds in linear memory the table stark-point-arithmetic's `windowTable(x, y, width, bits)`
   * gives (the same points, a test pins them), at `at` or in new memory ({@link tableBytes}).
   */
  buildTable(x: bigint, y: bigint, width: number, bits: number, at?: Pointer): WasmTable
  /** The bytes of a point, to keep outside the module (and {@link restorePoint} later). */
  savePoint(at: Pointer): Uint8Array
  restorePoint(at: Pointer, saved: Uint8Array): void
}

/** Windows of a `width`-bit table for scalars below 2^bits, with room for the last carry. */
const windowCount = (width: number, bits: number): number => Math.ceil((bits + 1) / width)

/** Bytes of the table `buildTable(·, ·, width, bits)` gives. */
export const tableBytes = (width: number, bits: number): number =>
  windowCount(width, bits) * 2 ** (width - 1) * TABLE_POINT_BYTES

const PAGE = 65536

function instantiate(): StarkWasm {
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly
  const bytes = Uint8Array.from(atob(STARK_WASM_BASE64), (c) => c.charCodeAt(0))
  const instance = new Instance(new Module(bytes), {})
  const exports = instance.exports as unknown as StarkWasmExports
  const { memory } = exports
  let top = (exports.heapBase() + 7) & ~7
  const freeBlocks = new Map<number, Pointer[]>()
  let words = new BigUint64Array(memory.buffer)
  const wordsView = (): BigUint64Array => {
    // Growing the memory detaches the old buffer.
    if (words.buffer !== memory.buffer) words = new BigUint64Array(memory.buffer)
    return words
  }

  const allocate = (bytes: number): Pointer => {
    const size = (bytes + 7) & ~7
    let at = freeBlocks.get(size)?.pop()
    if (at === undefined) {
      at = top
      top += size
      if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE))
    }
    // Released memory is reused, so it is cleared here.
    new Uint8Array(memory.buffer, at, size).fill(0)
    return at
  }
  const release = (at: Pointer, bytes: number): void => {
    const size = (bytes + 7) & ~7
    if (at + size === top) {
      // The last block (a table build's scratch): give it back to the top.
      top = at
      return
    }
    const list = freeBlocks.get(size)
    if (list === undefined) freeBlocks.set(size, [at])
    else list.push(at)
  }
  const writeWords = (at: Pointer, value: bigint): void => {
    const view = wordsView()
    const i = at >>> 3
    view[i] = BigInt.asUintN(64, value)
    view[i + 1] = BigInt.asUintN(64, value >> 64n)
    view[i + 2] = BigInt.asUintN(64, value >> 128n)
    view[i + 3] = value >> 192n
  }
  const readWords = (at: Pointer): bigint => {
    const view = wordsView()
    const i = at >>> 3
    return (view[i + 3]! << 192n) | (view[i + 2]! << 128n) | (view[i + 1]! << 64n) | view[i]!
  }

  const staging = allocate(64)
  const buildTable = (x: bigint, y: bigint, width: number, bits: number, at?: Pointer): WasmTable => {
    const windows = windowCount(width, bits)
    const count = windows * 2 ** (width - 1)
    const target = at ?? allocate(count * TABLE_POINT_BYTES)
    const scratchBytes = count * (POINT_BYTES + FIELD_BYTES)
    const scratch = allocate(scratchBytes)
    writeWords(staging, x)
    writeWords(staging + 32, y)
    exports.buildTable(target, staging, width, windows, scratch)
    release(scratch, scratchBytes)
    return { at: target, width, windows }
  }

  return {
    exports,
    allocate,
    release,
    writeWords,
    readWords,
    buildTable,
    savePoint: (at) => new Uint8Array(memory.buffer, at, POINT_BYTES).slice(),
    restorePoint: (at, saved) => new Uint8Array(memory.buffer, at, POINT_BYTES).set(saved),
  }
}

let module: StarkWasm | undefined

/** The module, compiled and instantiated on first use. */
export function starkWasm(): StarkWasm {
  module ??= instantiate()
  return module
}
