import { describe, expect, it } from 'vitest'
import { IpCountryTableError, parseIpCountryCsv } from './ip-country-table.js'

/** db-ip lite style: address text, both families in one file (deliberately unsorted). */
const DBIP = [
  '203.0.113.0,203.0.113.127,KP',
  '1.0.0.0,1.0.0.255,au',
  '203.0.113.128,203.0.113.255,CH',
  // a gap: 203.0.114.0 … 203.0.119.255 is in no range
  '203.0.120.0,203.0.120.0,IR',
  '2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,KP',
  '2001:db8:2::,2001:db8:2::ff,DE',
  '255.255.255.0,255.255.255.255,ZZ',
  '',
].join('\r\n')

const problemsOf = (text: string): string[] => {
  try {
    parseIpCountryCsv(text)
  } catch (error) {
    if (error instanceof IpCountryTableError) return error.problems
    throw error
  }
  throw new Error('expected an IpCountryTableError')
}

describe('parseIpCountryCsv: db-ip lite (address text)', () => {
  const table = parseIpCountryCsv(DBIP)

  it('behavior: IPv4 lookups, boundaries included, country upper-cased', () => {
    expect(table.size).toBe(7)
    expect(table.countryOf('203.0.113.0')).toBe('KP')
    expect(table.countryOf('203.0.113.127')).toBe('KP')
    expect(table.countryOf('203.0.113.128')).toBe('CH')
    expect(table.countryOf('203.0.113.255')).toBe('CH')
    expect(table.countryOf('1.0.0.77')).toBe('AU')
    expect(table.countryOf('203.0.120.0')).toBe('IR')
    expect(table.countryOf('255.255.255.255')).toBe('ZZ')
  })

  it('behavior: a gap between ranges, and addresses below the first or past the last, are in no country', () => {
    expect(table.countryOf('203.0.114.0')).toBeUndefined()
    expect(table.countryOf('203.0.119.255')).toBeUndefined()
    expect(table.countryOf('203.0.120.1')).toBeUndefined()
    expect(table.countryOf('0.255.255.255')).toBeUndefined()
    expect(table.countryOf('1.0.1.0')).toBeUndefined()
  })

  it('behavior: IPv6 lookups with boundaries and gaps; families never mix', () => {
    expect(table.countryOf('2001:db8::')).toBe('KP')
    expect(table.countryOf('2001:DB8:0:FFFF:FFFF:FFFF:FFFF:FFFF')).toBe('KP')
    expect(table.countryOf('2001:db8:1::')).toBeUndefined()
    expect(table.countryOf('2001:db8:2::ff')).toBe('DE')
    expect(table.countryOf('2001:db8:2::100')).toBeUndefined()
    expect(table.countryOf('::cb00:7100')).toBeUndefined() // 203.0.113.0's bits, but IPv6
  })

  it('behavior: an IPv4-mapped IPv6 peer (dual-stack socket) is looked up as IPv4; zones are ignored', () => {
    expect(table.countryOf('::ffff:203.0.113.5')).toBe('KP')
    expect(table.countryOf('2001:db8::1%eth0')).toBe('KP')
  })

  it('error: a string that is no IP finds nothing', () => {
    expect(table.countryOf('unknown')).toBeUndefined()
    expect(table.countryOf('')).toBeUndefined()
  })
})

describe('parseIpCountryCsv: ip2location LITE (quoted decimals, a name column)', () => {
  const table = parseIpCountryCsv(
    [
      '"0","281470681743359","-","-"',
      '"281470698520576","281470698520831","US","United States of America"', // ::ffff:1.0.0.0/120
      '"3405803776","3405803903","KP","Korea (Democratic People\'s Republic of)"', // 203.0.113.0/25
      '"42540766411282592856903984951653826560","42540766411282592875350729025363378175","NL","Bonaire, Sint Eustatius and Saba"', // 2001:db8::/64
    ].join('\n'),
  )

  it('behavior: decimal ranges, IPv4 folded out of ::ffff:0:0/96, unassigned "-" rows dropped', () => {
    expect(table.size).toBe(3)
    expect(table.countryOf('1.0.0.1')).toBe('US')
    expect(table.countryOf('::ffff:1.0.0.255')).toBe('US')
    expect(table.countryOf('203.0.113.127')).toBe('KP')
    expect(table.countryOf('203.0.113.128')).toBeUndefined()
    expect(table.countryOf('2001:db8::ffff:ffff:ffff:ffff')).toBe('NL')
    expect(table.countryOf('::1')).toBeUndefined()
  })
})

describe('parseIpCountryCsv: a bad file is refused whole', () => {
  it.for([
    ['no country column', '1.0.0.0,1.0.0.255', 'line 1: expected start_ip,end_ip,country'],
    [
      'a header line',
      'start_ip,end_ip,country\n1.0.0.0,1.0.0.255,AU',
      'line 1: "start_ip" is not an IP address',
    ],
    ['a bad end address', '1.0.0.0,1.0.0.256,AU', 'line 1: "1.0.0.256" is not an IP address'],
    ['a three-letter code', '1.0.0.0,1.0.0.255,AUS', 'line 1: "AUS" is not a two-letter country code'],
    ['mixed IP versions', '1.0.0.0,2001:db8::,AU', 'line 1: start and end are of different IP versions'],
    ['start after end', '1.0.0.9,1.0.0.1,AU', 'line 1: start is after end'],
    ['overlapping ranges', '1.0.0.0,1.0.0.255,AU\n1.0.0.255,1.0.1.0,NZ', 'line 2: overlaps line 1'],
    ['an empty file', '\n\n', 'holds no ranges'],
    ['only unassigned rows', '"0","255","-","-"', 'no range names a country'],
    [
      'a number past 128 bits',
      '0,340282366920938463463374607431768211456,AU',
      'line 1: "340282366920938463463374607431768211456" is not an IP address',
    ],
  ] as const)('error: %s', ([, text, problem]) => {
    expect(problemsOf(text)).toEqual([problem])
  })

  it('error: a wholly wrong file stops at five problems', () => {
    expect(problemsOf('a\nb\nc\nd\ne\nf\ng')).toHaveLength(5)
  })
})
