import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAgentAuthorization, parseAgentRevocation } from './parse-agent-messages.js'
import { validateAgentAuthorization, validateAgentRevocation } from './validate-agent-messages.js'

const WALLET = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
const domain = { name: 'Sigil', version: '1', chainId: 1 }
const message = {
  origin: 'https://sigil.example',
  wallet: WALLET,
  agentKey: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
  keyName: 'bot',
  scope: 'read',
  nonce: '0123456789abcdef0123456789abcdef',
  issuedAt: '2026-12-05T22:00:00Z',
  expiresAt: '2026-12-12T22:00:00Z',
}
const revocation = {
  origin: message.origin,
  wallet: WALLET,
  keyId: 'key_1',
  nonce: message.nonce,
  issuedAt: message.issuedAt,
}
const NOW = Date.parse('2026-12-05T22:01:00Z')
const DAY = 86_400_000
const expected = {
  domainName: 'Sigil',
  origin: 'https://sigil.example',
  chainIds: [1],
  now: NOW,
  issuedAtSkewMs: 60_000,
  maxAgeMs: 300_000,
  maxLifetimeMs: 30 * DAY,
}

const parsed = (m: object = message, d: object = domain) => {
  const result = parseAgentAuthorization({ domain: d, message: m })
  if (!result.ok) throw new Error(result.reason)
  return result.value
}
const reasonOf = (m: object, d: object = domain) => {
  const result = parseAgentAuthorization({ domain: d, message: m })
  return result.ok ? 'ok' : result.reason
}

describe('parseAgentAuthorization', () => {
  it('accepts a well-formed authorization, with its times', () => {
    const value = parsed()
    expect(value.message).toEqual(message)
    expect(value.issuedAtMs).toBe(Date.parse(message.issuedAt))
    expect(value.expiresAtMs).toBe(Date.parse(message.expiresAt))
  })

  it.each([
    ['an extra member', { ...message, extra: 'x' }, 'shape_invalid'],
    ['a missing member', { ...message, scope: undefined }, 'shape_invalid'],
    ['a number where a string goes', { ...message, nonce: 12345678 }, 'shape_invalid'],
    ['scope account (key management)', { ...message, scope: 'account' }, 'scope_not_allowed'],
    ['scope upper case', { ...message, scope: 'TRADE' }, 'scope_not_allowed'],
    ['a bad EIP-55 checksum', { ...message, wallet: WALLET.replace('a', 'A') }, 'wallet_invalid'],
    ['a short address', { ...message, wallet: '0x1234' }, 'wallet_invalid'],
    ['an origin with a path', { ...message, origin: 'https://sigil.example/x' }, 'origin_invalid'],
    ['a thumbprint of the wrong length', { ...message, agentKey: 'abc' }, 'agent_key_invalid'],
    ['an RTL override in the name', { ...message, keyName: 'bot\u202e' }, 'key_name_invalid'],
    ['an empty name', { ...message, keyName: '' }, 'key_name_invalid'],
    ['a short nonce', { ...message, nonce: 'abc' }, 'nonce_invalid'],
    ['a nonce with punctuation', { ...message, nonce: 'abcdefgh-1' }, 'nonce_invalid'],
    ['an issuedAt without offset', { ...message, issuedAt: '2026-12-05T22:00:00' }, 'issued_at_invalid'],
    ['an impossible expiresAt', { ...message, expiresAt: '2026-02-30T22:00:00Z' }, 'expires_at_invalid'],
  ])('refuses %s', (_name, m, reason) => {
    expect(reasonOf(m)).toBe(reason)
  })

  it.each([
    [{ ...domain, chainId: 0 }, 'domain_invalid'],
    [{ ...domain, chainId: '1' }, 'domain_invalid'],
    [{ ...domain, chainId: 2 ** 60 }, 'domain_invalid'],
    [{ ...domain, verifyingContract: WALLET }, 'domain_invalid'],
    [{ ...domain, name: '' }, 'domain_invalid'],
  ])('refuses the domain %j', (d, reason) => {
    expect(reasonOf(message, d)).toBe(reason)
  })

  it('accepts a lower-case wallet address', () => {
    expect(reasonOf({ ...message, wallet: WALLET.toLowerCase() })).toBe('ok')
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything(), (a, b) => {
        parseAgentAuthorization(a)
        parseAgentRevocation(a)
        parseAgentAuthorization({ domain: b, message: a })
        parseAgentRevocation({ domain, message: b })
      }),
    )
  })
})

describe('validateAgentAuthorization', () => {
  const reason = (m: object = message, d: object = domain, e: Partial<typeof expected> = {}) => {
    const result = validateAgentAuthorization(parsed(m, d), { ...expected, ...e })
    return result.ok ? 'ok' : result.reason
  }

  it('accepts one within every bound', () => expect(reason()).toBe('ok'))

  it.each([
    ['another deployment name', message, { ...domain, name: 'Other' }, {}, 'domain_mismatch'],
    ['another version', message, { ...domain, version: '2' }, {}, 'domain_mismatch'],
    ['another origin', { ...message, origin: 'https://evil.example' }, domain, {}, 'origin_mismatch'],
    ['another port', { ...message, origin: 'https://sigil.example:8443' }, domain, {}, 'origin_mismatch'],
    ['another chain', message, { ...domain, chainId: 5 }, {}, 'chain_not_allowed'],
    [
      'issuedAt past the skew',
      { ...message, issuedAt: '2026-12-05T22:03:00Z' },
      domain,
      {},
      'issued_at_in_future',
    ],
    [
      'issuedAt older than a nonce lives',
      { ...message, issuedAt: '2026-12-05T21:50:00Z' },
      domain,
      {},
      'issued_at_too_old',
    ],
    [
      'an expiry before issuedAt',
      { ...message, expiresAt: '2026-12-05T21:59:00Z' },
      domain,
      {},
      'time_window_invalid',
    ],
    ['an expired one', { ...message, expiresAt: '2026-12-05T22:00:30Z' }, domain, {}, 'expired'],
    [
      'an expiry past agentKeyMaxDays',
      { ...message, expiresAt: '2027-01-04T22:00:01Z' },
      domain,
      {},
      'lifetime_too_long',
    ],
  ])('refuses %s', (_name, m, d, e, why) => {
    expect(reason(m, d, e)).toBe(why)
  })

  it('accepts an expiry of exactly agentKeyMaxDays', () => {
    expect(reason({ ...message, expiresAt: '2027-01-04T22:00:00Z' })).toBe('ok')
  })

  it('fails closed on a NaN clock', () => {
    expect(reason(message, domain, { now: Number.NaN })).not.toBe('ok')
  })
})

describe('revocation messages', () => {
  it('parse and validate like authorizations', () => {
    const value = parseAgentRevocation({ domain, message: revocation })
    expect(value.ok).toBe(true)
    if (!value.ok) return
    expect(validateAgentRevocation(value.value, expected).ok).toBe(true)
    expect(validateAgentRevocation(value.value, { ...expected, origin: 'https://x.example' })).toEqual({
      ok: false,
      reason: 'origin_mismatch',
    })
  })

  it('refuses a bad key id and an authorization posted as a revocation', () => {
    expect(parseAgentRevocation({ domain, message: { ...revocation, keyId: 'a b' } })).toEqual({
      ok: false,
      reason: 'key_id_invalid',
    })
    expect(parseAgentRevocation({ domain, message })).toEqual({ ok: false, reason: 'shape_invalid' })
  })
})
