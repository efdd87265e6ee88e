/**
 * Fuzz: the untrusted credential text every request may carry (the Authorization header, the
 * x-api-key header, session cookie values) as core reads it: `chooseCredential`, `bearerToken`,
 * `parseApiKeySecret`, `looksLikeApiKey`, `parseSecretToken`; and the IP texts of API-key
 * allowlists and client keys (`normalizeIpRange`, `createIpAllowlist`, `normalizeIp`, `clientKey`).
 *
 * Contract: never throws anything but an AuthError (an Authorization that is not a Bearer token);
 * a credential is classified by its exact shape and nothing else (no shape is two kinds); an
 * accepted IP range is canonical (normalising it again changes nothing) and builds an allowlist
 * that never throws and agrees with ipaddr.js on every address.
 *
 * Budget: about 7,000 runs, about 1 s on one idle core.
 */
import { isIP } from 'node:net'
import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { looksLikeApiKey, parseApiKeySecret } from '../api-keys/api-key-secret.js'
import { AuthError } from '../errors.js'
import { clientKey, normalizeIp } from '../network/ip-address.js'
import { createIpAllowlist, normalizeIpRange } from '../network/ip-allowlist.js'
import { parseSecretToken } from '../secret-token.js'
import { bearerToken, chooseCredential } from './choose-credential.js'

const anyCodePoint = fc
  .oneof(fc.nat({ max: 0x7f }), fc.nat({ max: 0xffff }), fc.nat({ max: 0x10ffff }))
  .map((code) => String.fromCodePoint(code))
const base62 = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
    minLength: length,
    maxLength: length,
  })
const base64url = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_'),
    minLength: length,
    maxLength: length,
  })

/** Credential-like text: real shapes, near misses (one char off, another brand, a dot), and noise. */
const credential = fc.oneof(
  fc
    .tuple(fc.constantFrom('sgl', 'ocx', 'SGL', 'a', 'abcdefghi', 'evedex'), base62(16), base62(43))
    .map(([brand, id, secret]) => `${brand}_sk_${id}${secret}`),
  fc.tuple(base62(16), fc.nat({ max: 50 })).chain(([id, n]) => base62(n).map((s) => `sgl_sk_${id}${s}`)),
  fc.tuple(base64url(16), base64url(43)).map(([id, secret]) => `${id}.${secret}`),
  fc
    .tuple(base64url(16), base64url(42), fc.constantFrom('=', '.', ' ', '\n', ''))
    .map(([id, s, c]) => `${id}.${s}${c}`),
  fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'sgl_sk_.', 'sgl_sk_', '', '.', 'null'),
  fc.string({ unit: anyCodePoint, maxLength: 90 }),
)
const authorization = fc.oneof(
  credential.chain((c) =>
    fc.constantFrom(
      `Bearer ${c}`,
      `bearer ${c}`,
      `BEARER  ${c}`,
      `Basic ${c}`,
      c,
      `Bearer ${c} `,
      `Bearer\t${c}`,
    ),
  ),
  fc.string({ unit: anyCodePoint, maxLength: 40 }),
)

describe('credential shapes fuzz', () => {
  it('property: chooseCredential never throws but an AuthError, and picks by exact shape', () => {
    const presented = fc.record({
      authorization: fc.option(authorization, { nil: undefined }),
      apiKey: fc.option(credential, { nil: undefined }),
      cookies: fc.array(
        fc.record({ name: fc.constantFrom('__Host-sigil', 'ocx_session', 'x'), value: credential }),
        {
          maxLength: 3,
        },
      ),
      preferredCookie: fc.option(fc.constantFrom('__Host-sigil', 'ocx_session'), { nil: undefined }),
    })
    fc.assert(
      fc.property(presented, (p) => {
        let chosen: ReturnType<typeof chooseCredential>
        try {
          chosen = chooseCredential(p)
        } catch (error) {
          expect(error).toBeInstanceOf(AuthError)
          expect((error as AuthError).code).toBe('CREDENTIAL_MISSING')
          expect(p.authorization !== undefined && bearerToken(p.authorization) === undefined).toBe(true)
          return
        }
        if (p.authorization !== undefined) {
          const token = bearerToken(p.authorization)!
          expect(token).toMatch(/^[A-Za-z0-9._~+/-]+=*$/)
          if (chosen.kind === 'api_key') expect(looksLikeApiKey(token)).toBe(true)
          else if (chosen.kind === 'session') expect(parseSecretToken(token)).toBeDefined()
          else expect(chosen).toEqual({ kind: 'access_token', token })
        } else if (p.apiKey !== undefined) expect(chosen).toEqual({ kind: 'api_key', secret: p.apiKey })
        else if (p.cookies.length === 0) expect(chosen).toEqual({ kind: 'none' })
        else expect(chosen.kind).toBe('cookie')
      }),
      { numRuns: 2000 },
    )
  })

  it('property: no text is two kinds of credential, and a parsed one is exactly its parts', () => {
    fc.assert(
      fc.property(credential, (text) => {
        const key = parseApiKeySecret(text)
        const session = parseSecretToken(text)
        // An API key never holds a dot; a session value always does: the two shapes are disjoint.
        expect(looksLikeApiKey(text) && session !== undefined).toBe(false)
        if (key) {
          expect(looksLikeApiKey(text)).toBe(true)
          expect(text.endsWith(`_sk_${key.id}${key.secretPart}`)).toBe(true)
          expect(key.id).toMatch(/^[0-9A-Za-z]{16}$/)
          expect(key.secretPart).toMatch(/^[0-9A-Za-z]{43}$/)
        }
        if (session) expect(`${session.id}.${session.secret}`).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('IP allowlist and client key fuzz', () => {
  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4().map((ip) => `::ffff:${ip}`),
    fc.ipV4Extended(),
    fc.constantFrom(
      'fe80::1%eth0',
      '::',
      '0.0.0.0',
      '255.255.255.255',
      '::ffff:0:0',
      '1.2.3',
      '01.2.3.4',
      '[::1]',
    ),
  )
  const range = fc.oneof(
    fc
      .tuple(
        address,
        fc.option(fc.oneof(fc.nat({ max: 130 }).map(String), fc.constantFrom('', '032', '-1', '1e1'))),
      )
      .map(([ip, prefix]) => (prefix === null ? ip : `${ip}/${prefix}`)),
    address.map((ip) => ` ${ip}\t`),
    fc.string({ unit: anyCodePoint, maxLength: 30 }),
  )

  it('property: normalizeIpRange never throws; an accepted range is canonical and builds an allowlist', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 4 }), fc.array(address, { maxLength: 4 }), (texts, peers) => {
        const ranges = texts.map(normalizeIpRange).filter((r): r is string => r !== undefined)
        for (const r of ranges) expect(normalizeIpRange(r)).toBe(r)
        const allowlist = createIpAllowlist(ranges)
        for (const peer of peers) {
          const allowed = allowlist.allows(peer)
          if (ranges.length === 0) {
            expect(allowed).toBe(true)
            continue
          }
          // Oracle: ipaddr.js over the processed (IPv4-mapped folded) peer, same family only.
          const ip = isIP(peer) ? ipaddr.process(peer) : undefined
          const expected =
            ip !== undefined &&
            ranges.some((r) => {
              const [a, p] = r.split('/') as [string, string | undefined]
              const base = ipaddr.parse(a)
              if (base.kind() !== ip.kind()) return false
              const bits = p === undefined ? (base.kind() === 'ipv4' ? 32 : 128) : Number(p)
              return (ip as ipaddr.IPv4).match(base as ipaddr.IPv4, bits)
            })
          expect(allowed).toBe(expected)
        }
      }),
      { numRuns: 1500 },
    )
  })

  it('property: normalizeIp and clientKey never throw; one client key per address, a /64 for IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(address, fc.string({ unit: anyCodePoint, maxLength: 30 })), (text) => {
        const normal = normalizeIp(text)
        const key = clientKey(text)
        if (normal === undefined) {
          expect(key).toBe(text)
          return
        }
        expect(normalizeIp(normal)).toBe(normal)
        expect(clientKey(normal)).toBe(key)
        if (isIP(normal) === 6) expect(key).toMatch(/\/64$/)
        else expect(key).toBe(normal)
      }),
      { numRuns: 1500 },
    )
  })
})
