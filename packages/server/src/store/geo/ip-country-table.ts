import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { normalizeIp } from '../../core/network/ip-address.js'
import type { IpCountryDatabase } from '../../core/ports.js'

/*
 * IP ranges → country, from the CSVs of the free "lite" databases, read offline:
 *
 * - db-ip "IP to Country Lite": `1.0.0.0,1.0.0.255,AU` and `2001:200::,2001:200:ffff:…,JP`
 *   (address text, IPv4 and IPv6 in one file);
 * - ip2location "LITE DB1" (IPv4 or IPv6 file): `"16777216","16777471","US","United States of America"`
 *   (decimal integers, quoted, a name column; `-` for unassigned space; the IPv6 file holds IPv4 as
 *   IPv4-mapped `::ffff:0:0/96`, which is folded back to IPv4 here).
 *
 * Hand-written: the npm readers of these databases either bundle their own (MaxMind-derived) data,
 * read another format (.mmdb, ip2location .BIN), or download the CSV at run time, which this
 * server cannot and should not do. The format is three columns; parsing and a binary search over
 * sorted, non-overlapping ranges are all it takes.
 */

export class IpCountryTableError extends Error {
  override readonly name = 'IpCountryTableError'
  constructor(readonly problems: string[]) {
    super(problems.join('; '))
  }
}

/** An address as big-endian 32-bit words: IPv4 is one word, IPv6 four. Plain numbers, no BigInt, on the hot path. */
type Words = number[]

interface Row {
  v4: boolean
  start: Words
  end: Words
  country: number
  line: number
}

const DECIMAL = /^\d{1,39}$/
const COUNTRY = /^[A-Za-z]{2}$/
/** Problems reported before giving up: a wrong file fails on every line, one message is enough. */
const MAX_PROBLEMS = 5

/**
 * Dotted IPv4 to its 32-bit value, or -1: four decimal octets 0-255 without leading zeros (what
 * node:net isIP accepts). By hand, without allocating: it runs once per request and per CSV line.
 */
function ipv4Word(text: string): number {
  let value = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1
      value = value * 256 + octet
      octet = 0
      digits = 0
      dots += 1
    } else {
      if (c < 48 || c > 57 || (digits > 0 && octet === 0)) return -1
      octet = octet * 10 + c - 48
      digits += 1
      if (octet > 255) return -1
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1
}

/** A valid IPv6 text (isIP checked) as four 32-bit words; ipaddr.js reads every spelling. */
function ipv6Words(text: string): Words {
  const bytes = ipaddr.IPv6.parse(text).toByteArray()
  return [0, 4, 8, 12].map(
    (i) => ((bytes[i]! * 256 + bytes[i + 1]!) * 256 + bytes[i + 2]!) * 256 + bytes[i + 3]!,
  )
}

/** Any client address as [IPv4?, words]: dotted IPv4 on the fast path, the rest through normalizeIp. */
function clientAddress(text: string): [v4: boolean, words: Words] | undefined {
  const word = ipv4Word(text)
  if (word >= 0) return [true, [0, 0, 0, word]]
  const address = normalizeIp(text.split('%')[0]!)
  if (address === undefined) return undefined
  return isIP(address) === 4 ? [true, [0, 0, 0, ipv4Word(address)]] : [false, ipv6Words(address)]
}

/** ip2location's decimal integers: exact as a Number below 2^53, through BigInt above. */
function decimalWords(text: string): Words | undefined {
  if (text.length <= 15) {
    const value = Number(text)
    return [0, 0, Math.floor(value / 2 ** 32), value % 2 ** 32]
  }
  const value = BigInt(text)
  if (value >> 128n !== 0n) return undefined
  return [96n, 64n, 32n, 0n].map((shift) => Number(BigInt.asUintN(32, value >> shift)))
}

const isV4Value = (words: Words) => words[0] === 0 && words[1] === 0 && words[2] === 0
const isMapped = (words: Words) => words[0] === 0 && words[1] === 0 && words[2] === 0xffff

/** An address as [IPv4?, words], from text (either family) or a decimal; undefined if neither. */
function addressValue(text: string): [v4: boolean, words: Words] | undefined {
  if (DECIMAL.test(text)) {
    const words = decimalWords(text)
    return words && [isV4Value(words), words]
  }
  return clientAddress(text)
}

function compare(a: Words, b: Words): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return 0
}

/** ip2location quotes every field; db-ip quotes none. */
function unquote(field: string) {
  const text = field.trim()
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text
}

/**
 * One sorted family of ranges in typed arrays (`stride` words per address): a full db-ip file is
 * ~600k ranges, and objects per range would cost several times the memory.
 */
class RangeList {
  private readonly starts: Uint32Array
  private readonly ends: Uint32Array
  private readonly countries: Uint16Array

  constructor(
    rows: readonly Row[],
    private readonly stride: 1 | 4,
  ) {
    this.starts = new Uint32Array(rows.length * stride)
    this.ends = new Uint32Array(rows.length * stride)
    this.countries = new Uint16Array(rows.length)
    for (const [i, row] of rows.entries()) {
      this.starts.set(row.start.slice(4 - stride), i * stride)
      this.ends.set(row.end.slice(4 - stride), i * stride)
      this.countries[i] = row.country
    }
  }

  /** -1, 0, 1: the address at `index` of `array` against `key` (the key's last `stride` words). */
  private compareAt(array: Uint32Array, index: number, key: Words): number {
    for (let w = 0; w < this.stride; w++) {
      const a = array[index * this.stride + w]!
      const b = key[4 - this.stride + w]!
      if (a !== b) return a < b ? -1 : 1
    }
    return 0
  }

  /** Binary search for the last range starting at or before `key`; a hit only if it also ends after. */
  find(key: Words): number | undefined {
    let low = 0
    let high = this.countries.length - 1
    let found = -1
    while (low <= high) {
      const mid = (low + high) >>> 1
      if (this.compareAt(this.starts, mid, key) > 0) high = mid - 1
      else {
        found = mid
        low = mid + 1
      }
    }
    if (found < 0 || this.compareAt(this.ends, found, key) < 0) return undefined
    return this.countries[found]
  }

  get size() {
    return this.countries.length
  }
}

const encodeCountry = (code: string) => (code.charCodeAt(0) << 8) | code.charCodeAt(1)
const decodeCountry = (value: number) => String.fromCharCode(value >> 8, value & 0xff)

export interface IpCountryTable extends IpCountryDatabase {
  /** Ranges held (unassigned `-` rows are not kept). */
  readonly size: number
}

/** A row, `'unassigned'` for ip2location's `-` rows (address space no country holds), or undefined after a problem. */
function parseLine(text: string, line: number, problems: string[]): Row | 'unassigned' | undefined {
  const fields = text.split(',')
  if (fields.length < 3) {
    problems.push(`line ${line}: expected start_ip,end_ip,country`)
    return undefined
  }
  const [startText, endText, countryText] = fields.slice(0, 3).map(unquote) as [string, string, string]
  const start = addressValue(startText)
  const end = addressValue(endText)
  if (!start || !end) {
    const bad = start ? endText : startText
    problems.push(`line ${line}: ${JSON.stringify(bad.slice(0, 64))} is not an IP address`)
    return undefined
  }
  if (countryText !== '-' && !COUNTRY.test(countryText)) {
    problems.push(
      `line ${line}: ${JSON.stringify(countryText.slice(0, 16))} is not a two-letter country code`,
    )
    return undefined
  }
  // Decimal input has no family of its own: a range is IPv4 when both ends fit in 32 bits.
  let v4 = start[0] && end[0]
  if (!(DECIMAL.test(startText) && DECIMAL.test(endText)) && start[0] !== end[0]) {
    problems.push(`line ${line}: start and end are of different IP versions`)
    return undefined
  }
  let [startWords, endWords] = [start[1], end[1]]
  if (compare(startWords, endWords) > 0) {
    problems.push(`line ${line}: start is after end`)
    return undefined
  }
  if (!v4 && isMapped(startWords) && isMapped(endWords)) {
    v4 = true
    startWords = [0, 0, 0, startWords[3]!]
    endWords = [0, 0, 0, endWords[3]!]
  }
  if (countryText === '-') return 'unassigned'
  return { v4, start: startWords, end: endWords, country: encodeCountry(countryText.toUpperCase()), line }
}

/**
 * Parses a whole CSV (blank lines ignored, CRLF accepted) and checks it: every line a range of one
 * IP version with start ≤ end and a two-letter code (or `-`), no two ranges overlapping, at least
 * one range. Any problem refuses the file: a half-read database would locate some clients wrongly.
 */
export function parseIpCountryCsv(text: string): IpCountryTable {
  const problems: string[] = []
  const rows: Row[] = []
  let unassigned = 0
  const lines = text.split('\n')
  for (const [index, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.trim() === '') continue
    const row = parseLine(line, index + 1, problems)
    if (row === 'unassigned') unassigned += 1
    else if (row) rows.push(row)
    if (problems.length >= MAX_PROBLEMS) break
  }
  if (problems.length === 0 && rows.length === 0)
    problems.push(unassigned > 0 ? 'no range names a country' : 'holds no ranges')
  const families = [rows.filter((row) => row.v4), rows.filter((row) => !row.v4)]
  for (const family of families) {
    family.sort((a, b) => compare(a.start, b.start))
    for (let i = 1; i < family.length && problems.length < MAX_PROBLEMS; i++) {
      if (compare(family[i]!.start, family[i - 1]!.end) <= 0)
        problems.push(`line ${family[i]!.line}: overlaps line ${family[i - 1]!.line}`)
    }
  }
  if (problems.length > 0) throw new IpCountryTableError(problems)
  const v4 = new RangeList(families[0]!, 1)
  const v6 = new RangeList(families[1]!, 4)
  return {
    size: v4.size + v6.size,
    countryOf(ip) {
      const address = clientAddress(ip)
      if (address === undefined) return undefined
      const country = (address[0] ? v4 : v6).find(address[1])
      return country === undefined ? undefined : decodeCountry(country)
    },
  }
}
