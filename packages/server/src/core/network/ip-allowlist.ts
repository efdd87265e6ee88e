import { BlockList, isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { normalizeIp } from './ip-address.js'

/**
 * IP allowlists of API keys: IPv4 and IPv6 addresses and CIDR ranges, matched with Node's own
 * BlockList. IPv4-mapped IPv6 (`::ffff:203.0.113.7`, what a dual-stack socket reports for an IPv4
 * peer) is folded to IPv4 on both sides, so `203.0.113.0/24` matches such a peer.
 */
export interface IpAllowlist {
  allows(ip: string): boolean
}

const DOTTED_MAPPED = /^::ffff:\d{1,3}(?:\.\d{1,3}){3}$/i

const isMapped = (address: string) => {
  try {
    return isIP(address) === 6 && (ipaddr.parse(address) as ipaddr.IPv6).isIPv4MappedAddress()
  } catch {
    return false
  }
}

/** `address` or `address/prefix` in canonical text, or undefined when it is neither. */
export function normalizeIpRange(text: string): string | undefined {
  const [rawAddress, rawPrefix, extra] = text.trim().split('/')
  if (rawAddress === undefined || extra !== undefined) return undefined
  const mappedPrefix = rawPrefix !== undefined && isMapped(rawAddress)
  // A mapped range is read as IPv4 only when spelled so (`::ffff:10.0.0.0/104`); `::ffff:0:0/96`
  // would silently mean "every IPv4 client", so such a spelling is refused rather than guessed.
  if (mappedPrefix && !DOTTED_MAPPED.test(rawAddress)) return undefined
  const address = normalizeIp(rawAddress)
  if (!address) return undefined
  if (rawPrefix === undefined) return address
  if (!/^\d{1,3}$/.test(rawPrefix)) return undefined
  const max = isIP(address) === 4 ? 32 : 128
  // A mapped range like ::ffff:10.0.0.0/104 is the IPv4 range 10.0.0.0/8.
  const prefix = mappedPrefix ? Number(rawPrefix) - 96 : Number(rawPrefix)
  if (prefix < 0 || prefix > max) return undefined
  return `${address}/${prefix}`
}

/**
 * Ranges must already be normalised (normalizeIpRange); an empty list allows every IP. IPv4 and
 * IPv6 entries live in separate lists: BlockList would otherwise match an IPv4 peer against an
 * IPv6 range through the mapped form, so `::/0` ("any IPv6") would admit every IPv4 client.
 */
export function createIpAllowlist(ranges: readonly string[]): IpAllowlist {
  if (ranges.length === 0) return { allows: () => true }
  const byFamily = { ipv4: new BlockList(), ipv6: new BlockList() }
  for (const range of ranges) {
    const [address, prefix] = range.split('/') as [string, string | undefined]
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) byFamily[family].addAddress(address, family)
    else byFamily[family].addSubnet(address, Number(prefix), family)
  }
  return {
    allows(ip) {
      const address = normalizeIp(ip)
      if (address === undefined) return false
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6'
      return byFamily[family].check(address, family)
    },
  }
}
