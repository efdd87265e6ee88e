import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * The address in one canonical text, or undefined if it is not an IP. IPv4-mapped IPv6 in any
 * spelling (`::ffff:127.0.0.1`, `::ffff:7f00:1`) folds to the IPv4 address, as proxy-addr (and so
 * Fastify's trustProxy) folds it: two parts of Sigil must never disagree on who a peer is.
 * Node's `isIP` gates first, since ipaddr.js alone also reads `1.2.3` or octal octets as IPv4.
 */
export function normalizeIp(ip: string): string | undefined {
  if (!isIP(ip)) return undefined
  return ipaddr.process(ip).toString()
}

/**
 * The client a rate limit or a connection cap counts: the IPv4 address, or the /64 an IPv6
 * address is in, since one subscriber holds a whole /64 and can rotate through it at will.
 */
export function clientKey(ip: string): string {
  const address = normalizeIp(ip)
  if (!address || isIP(address) === 4) return address ?? ip
  const bytes = ipaddr.parse(address).toByteArray()
  bytes.fill(0, 8)
  return `${ipaddr.fromByteArray(bytes).toString()}/64`
}
