// Protocol-level rows of `npm run bench`: one verification at a time, in THIS process, Sigil and
// its peers interleaved round by round (each round runs every contestant for the same CPU
// budget), so that a noisy shared host slows them all alike. Figures are operations per
// CPU-second of this process (`process.cpuUsage`), the median of the rounds. Every contestant is
// checked (accepts a valid input, refuses a tampered one) before it is timed.
//
// Peers run unmodified from their published packages: viem's parse + validate + verifyMessage
// path, `siwe` 3 + ethers 6, starknet.js's typedData.getMessageHash + ec.starkCurve.verify, and the
// bare native libsecp256k1 recovery of a prehashed message as the calibration of the SIWE row.
import { createRequire } from 'node:module'
import { getStarkKey, sign as starkSign } from '@scure/starknet'
import {
  nobleEvmCrypto,
  PARADEX_AUTH_REQUEST,
  paradexRequestHash,
  verifyStarkSignature,
  warmUpStarknet,
} from '@sigil/protocol'
import { createKeccak } from 'hash-wasm'
import { SiweMessage } from 'siwe'
import { ec, typedData } from 'starknet'
import { verifyMessage } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { createSiweMessage, parseSiweMessage, validateSiweMessage } from 'viem/siwe'
import { checkSiweMessage, verifySiweSigner } from '../packages/server/dist/core/sign-in/siwe-checks.js'
import { createNativeEvmCrypto } from '../packages/server/dist/crypto/native-evm-crypto.js'

const require = createRequire(import.meta.url)
const secp = require('secp256k1/bindings.js')

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

/** Runs `op` (sync or async) until `budget` CPU seconds are spent; returns ops per CPU-second. */
async function rate(op, budget) {
  const start = cpuSeconds()
  let count = 0
  let spent = 0
  do {
    const result = op()
    if (result instanceof Promise) await result
    count++
    if ((count & 7) === 0 || budget > 0.2) spent = cpuSeconds() - start
  } while (spent < budget)
  return count / (cpuSeconds() - start)
}

/**
 * Interleaved rounds over `contestants` ({ name, op, budget? }); a warm-up pass first, then
 * `rounds` passes. Returns each contestant's median ops per CPU-second.
 */
async function race(label, contestants, { rounds, budget, progress }) {
  for (const c of contestants) await rate(c.op, Math.min(0.3, c.budget ?? budget) / 2)
  const samples = contestants.map(() => [])
  for (let round = 1; round <= rounds; round++) {
    for (const [i, c] of contestants.entries()) {
      progress(`${label}: round ${round}/${rounds} · ${c.name}`)
      samples[i].push(await rate(c.op, c.budget ?? budget))
    }
  }
  return contestants.map((c, i) => ({ name: c.name, perCpuSecond: median(samples[i]) }))
}

function expect(condition, what) {
  if (!condition) throw new Error(`bench self-check failed: ${what}`)
}

/** SIWE: Sigil's sign-in checks (strict parse, binding and time window, EIP-191 recovery). */
async function siweRow(options) {
  const binding = {
    domain: 'app.example.com',
    scheme: 'https',
    uri: 'https://app.example.com/login',
    chainIds: [1],
    issuedAtSkewMs: 60_000,
    maxAgeMs: 600_000,
  }
  const keccak = await createKeccak(256)
  const personalHash = (message) => {
    const bytes = Buffer.from(message, 'utf8')
    return keccak
      .init()
      .update(Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${bytes.length}`), bytes]))
      .digest('binary')
  }
  // 32 wallets, one fresh message each: nothing is cached between verifications.
  const inputs = Array.from({ length: 32 }, (_, i) => {
    const key = generatePrivateKey()
    const address = privateKeyToAccount(key).address
    const nonce = `${Math.random().toString(36).slice(2, 10)}${i.toString(36).padStart(8, 'a')}`
    const message = createSiweMessage({
      address,
      domain: binding.domain,
      scheme: binding.scheme,
      uri: binding.uri,
      version: '1',
      chainId: 1,
      nonce,
      issuedAt: new Date(),
      statement: 'Sign in to the trading API.',
    })
    const hash = personalHash(message)
    const { signature, recid } = secp.ecdsaSign(hash, Buffer.from(key.slice(2), 'hex'))
    const hex = `0x${Buffer.from(signature).toString('hex')}${(27 + recid).toString(16)}`
    return { address, message, nonce, signature: hex, compact: signature, recid, hash }
  })
  const native = await createNativeEvmCrypto()
  const sigil = (crypto) => (input) => {
    const fields = checkSiweMessage(input.message, input.signature, binding, Date.now(), {
      evmCrypto: crypto,
    })
    verifySiweSigner(input.message, input.signature, fields.address, crypto)
  }
  const viemPath = async (input) => {
    const parsed = parseSiweMessage(input.message)
    if (!validateSiweMessage({ message: parsed, domain: binding.domain, nonce: input.nonce }))
      throw new Error('viem: invalid')
    if (
      !(await verifyMessage({ address: parsed.address, message: input.message, signature: input.signature }))
    )
      throw new Error('viem: bad signature')
  }
  const siwePath = async (input) => {
    const result = await new SiweMessage(input.message).verify({
      signature: input.signature,
      domain: binding.domain,
      nonce: input.nonce,
    })
    if (!result.success) throw new Error('siwe: refused')
  }
  const bare = (input) => secp.ecdsaRecover(input.compact, input.recid, input.hash, false)

  // Self-checks: each accepts a valid input and refuses a forged one.
  const forged = { ...inputs[0], signature: inputs[1].signature }
  for (const verify of [sigil(native), sigil(nobleEvmCrypto), viemPath, siwePath]) {
    await verify(inputs[0])
    let refused = false
    try {
      await verify(forged)
    } catch {
      refused = true
    }
    expect(refused, 'a SIWE contestant accepted a forged signature')
  }
  expect(Buffer.from(bare(inputs[0])).length === 65, 'native recovery')

  let next = 0
  const each = (fn) => () => fn(inputs[next++ & 31])
  const results = await race(
    'SIWE',
    [
      { name: 'Sigil, native libsecp256k1 + hash-wasm keccak', op: each(sigil(native)) },
      { name: 'Sigil, @noble fallback', op: each(sigil(nobleEvmCrypto)) },
      { name: 'viem 2: parseSiweMessage + validateSiweMessage + verifyMessage', op: each(viemPath) },
      { name: 'siwe 3 + ethers 6: new SiweMessage().verify()', op: each(siwePath) },
      { name: 'bare native recovery (secp256k1 ecdsaRecover, prehashed)', op: each(bare) },
    ],
    options,
  )
  const [sigilNative, sigilNoble, viem, siwe, bareRecovery] = results
  return {
    path: 'SIWE verification (strict parse + checks + EIP-191 recovery)',
    sigil: sigilNative,
    others: [sigilNoble, viem, siwe, bareRecovery],
    ratios: [
      { label: 'SIWE: Sigil ÷ viem', value: sigilNative.perCpuSecond / viem.perCpuSecond, target: 20 },
      {
        label: 'SIWE: Sigil ÷ siwe + ethers',
        value: sigilNative.perCpuSecond / siwe.perCpuSecond,
        target: 20,
      },
      {
        label: 'SIWE: Sigil ÷ bare native recovery',
        value: sigilNative.perCpuSecond / bareRecovery.perCpuSecond,
        target: 0.85,
      },
    ],
  }
}

/** Paradex `POST /v1/auth`'s verification: SNIP-12 rev 0 Request hash + Stark ECDSA, x-only key. */
async function paradexRow(options) {
  warmUpStarknet()
  const chainId = 'PRIVATE_SN_POTC_SEPOLIA'
  const privateKey = `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(31))).toString('hex')}`
  const publicKey = BigInt(getStarkKey(privateKey))
  const fullPublicKey = ec.starkCurve.getPublicKey(privateKey)
  const account = `0x${((publicKey * 0x9e3779b97f4a7c15n) % 2n ** 250n).toString(16)}`
  // One account coming back (as ccxt's re-authentication does), a different second per auth:
  // 256 distinct timestamps, more than Sigil's per-second struct memo holds, so it never hits.
  const start = Math.floor(Date.now() / 1000)
  const inputs = Array.from({ length: 256 }, (_, i) => {
    const timestamp = start + i
    const expiration = timestamp + 180
    const hash = paradexRequestHash({ chainId, account, ...PARADEX_AUTH_REQUEST, timestamp, expiration })
    const { r, s } = starkSign(hash.value.toString(16).padStart(64, '0'), privateKey)
    return { timestamp, expiration, r, s, hash: hash.value }
  })
  const sigil = (input) => {
    const { timestamp, expiration, r, s } = input
    const hash = paradexRequestHash({ chainId, account, ...PARADEX_AUTH_REQUEST, timestamp, expiration })
    if (!hash.ok) return false
    return verifyStarkSignature({ msgHash: hash.value, signature: { r, s }, publicKey }).ok
  }
  const felt = (name) => ({ name, type: 'felt' })
  const starknetJs = (input) => {
    const hash = typedData.getMessageHash(
      {
        domain: { name: 'Paradex', chainId, version: '1' },
        primaryType: 'Request',
        types: {
          StarkNetDomain: [felt('name'), felt('chainId'), felt('version')],
          Request: ['method', 'path', 'body', 'timestamp', 'expiration'].map(felt),
        },
        message: { ...PARADEX_AUTH_REQUEST, timestamp: input.timestamp, expiration: input.expiration },
      },
      account,
    )
    return ec.starkCurve.verify(new ec.starkCurve.Signature(input.r, input.s), hash, fullPublicKey)
  }
  const tampered = { ...inputs[0], expiration: inputs[0].expiration + 1 }
  expect(sigil(inputs[0]) && starknetJs(inputs[0]), 'Paradex contestants accept a valid auth')
  expect(!sigil(tampered) && !starknetJs(tampered), 'Paradex contestants refuse a tampered auth')
  let next = 0
  let sameSecond = 0
  const results = await race(
    'Paradex',
    [
      { name: 'Sigil, every auth in its own second', op: () => sigil(inputs[next++ & 255]) },
      // ccxt signs expiration = timestamp + 180: clients authenticating in the same second share
      // the Request struct, which Sigil memoises.
      { name: 'Sigil, auths sharing a second (ccxt under load)', op: () => sigil(inputs[sameSecond++ & 1]) },
      {
        name: 'starknet.js 7: typedData.getMessageHash + ec.starkCurve.verify',
        op: () => starknetJs(inputs[next++ & 255]),
        budget: options.budget * 3,
      },
    ],
    options,
  )
  const [own, shared, peer] = results
  return {
    path: 'Paradex auth verification (SNIP-12 rev 0 hash + Stark ECDSA)',
    sigil: own,
    others: [shared, peer],
    ratios: [
      { label: 'Paradex: Sigil ÷ starknet.js', value: own.perCpuSecond / peer.perCpuSecond, target: 40 },
    ],
  }
}

export async function benchProtocol({ rounds = 5, budget = 0.4, progress = () => {} } = {}) {
  const options = { rounds, budget, progress }
  return [await siweRow(options), await paradexRow(options)]
}

const format = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2))

/** The markdown table of the rows. */
export function protocolTable(rows) {
  const lines = ['| path | implementation | per CPU-second (median) | Sigil ÷ this |', '|---|---|---:|---:|']
  for (const row of rows) {
    lines.push(`| ${row.path} | **${row.sigil.name}** | **${format(row.sigil.perCpuSecond)}** | 1 |`)
    for (const other of row.others) {
      // Sigil's own variants (fallback, shared second) are figures, not a comparison.
      const ratio = other.name.startsWith('Sigil')
        ? ''
        : `${format(row.sigil.perCpuSecond / other.perCpuSecond)}x`
      lines.push(`| | ${other.name} | ${format(other.perCpuSecond)} | ${ratio} |`)
    }
  }
  lines.push('', '| ratio | measured | target |', '|---|---:|---:|')
  for (const ratio of rows.flatMap((r) => r.ratios))
    lines.push(`| ${ratio.label} | ${format(ratio.value)}x | ≥ ${ratio.target}x |`)
  return lines.join('\n')
}

const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * A bar chart of the ratios as plain SVG text (no browser, no chart library): log scale, so that
 * a 0.8x share and a 40x speed-up both read; each bar's target is a tick.
 */
export function ratiosSvg(ratios, caption) {
  const width = 760
  const left = 270
  const right = 40
  const barHeight = 26
  const gap = 14
  const top = 40
  const height = top + ratios.length * (barHeight + gap) + 50
  const min = 0.1
  const max = Math.max(100, ...ratios.map((r) => r.value * 1.2), ...ratios.map((r) => r.target * 1.2))
  const x = (value) =>
    left +
    ((Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))) *
      (width - left - right)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<title>${escapeXml(`Sigil's verification speed as a multiple of its peers' and of bare native recovery: ${ratios.map((r) => `${r.label} ${format(r.value)}x (target ${r.target}x)`).join('; ')}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="600">Sigil, per CPU-second, as a multiple of each reference (log scale)</text>`,
  ]
  for (const tick of [0.1, 1, 10, 100, 1000].filter((t) => t <= max)) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 44}" stroke="#dddddd"/>`,
      `<text x="${x(tick)}" y="${height - 30}" text-anchor="middle" fill="#666666">${tick}x</text>`,
    )
  }
  ratios.forEach((ratio, i) => {
    const y = top + i * (barHeight + gap)
    const met = ratio.value >= ratio.target
    parts.push(
      `<text x="${left - 10}" y="${y + barHeight / 2 + 4}" text-anchor="end">${escapeXml(ratio.label)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, Math.round((x(ratio.value) - left) * 10) / 10)}" height="${barHeight}" fill="${met ? '#2f855a' : '#c05621'}"/>`,
      `<text x="${x(ratio.value) + 6}" y="${y + barHeight / 2 + 4}">${format(ratio.value)}x</text>`,
      `<line x1="${x(ratio.target)}" y1="${y - 4}" x2="${x(ratio.target)}" y2="${y + barHeight + 4}" stroke="#1a202c" stroke-width="2" stroke-dasharray="3 2"/>`,
    )
  })
  parts.push(
    `<text x="${left}" y="${height - 10}" fill="#666666">${escapeXml(caption)} · dashed: target · green: met</text>`,
    '</svg>',
  )
  return `${parts.join('\n')}\n`
}
