import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRfc3339 } from './rfc3339.js'

const pad = (value: number, width = 2) => String(value).padStart(width, '0')

describe('parseRfc3339', () => {
  it('default', () => {
    expect(parseRfc3339('2021-09-30T16:25:24.000Z')).toBe(Date.UTC(2021, 8, 30, 16, 25, 24))
  })

  it.each([
    ['no fraction', '2021-09-30T16:25:24Z', Date.UTC(2021, 8, 30, 16, 25, 24)],
    ['negative offset', '2021-09-30T16:25:24-02:00', Date.UTC(2021, 8, 30, 18, 25, 24)],
    ['positive offset with minutes', '2021-09-30T16:25:24+05:30', Date.UTC(2021, 8, 30, 10, 55, 24)],
    ['-00:00 (unknown local offset) is UTC', '2021-09-30T16:25:24-00:00', Date.UTC(2021, 8, 30, 16, 25, 24)],
    ['lower-case t and z', '2021-09-30t16:25:24z', Date.UTC(2021, 8, 30, 16, 25, 24)],
    ['one fraction digit', '2021-09-30T16:25:24.5Z', Date.UTC(2021, 8, 30, 16, 25, 24, 500)],
    ['fraction truncated to ms', '2021-09-30T16:25:24.123999999Z', Date.UTC(2021, 8, 30, 16, 25, 24, 123)],
    ['leap day', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['leap day of a 400-year', '2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
    ['year 0050 is not 1950', '0050-01-01T00:00:00Z', Date.parse('0050-01-01T00:00:00Z')],
    ['year 0000', '0000-01-01T00:00:00Z', Date.parse('0000-01-01T00:00:00Z')],
    ['year 9999', '9999-12-31T23:59:59.999Z', Date.parse('9999-12-31T23:59:59.999Z')],
    ['offset crosses the day', '2021-12-31T23:30:00-01:00', Date.UTC(2022, 0, 1, 0, 30)],
  ])('behavior: %s', (_name, text, expected) => expect(parseRfc3339(text)).toBe(expected))

  it.each([
    ['Feb 30', '2030-02-30T00:00:00Z'],
    ['Feb 29 of a common year', '2023-02-29T00:00:00Z'],
    ['Feb 29 of 1900', '1900-02-29T00:00:00Z'],
    ['Feb 31 (verification vector)', '2022-02-31T17:09:38.578Z'],
    ['Apr 31', '2023-04-31T00:00:00Z'],
    ['month 13', '2022-13-17T12:45:13.610Z'],
    ['month 00', '2022-00-17T12:45:13.610Z'],
    ['day 32', '2023-03-32T12:45:13.610Z'],
    ['day 00', '2023-03-00T12:45:13.610Z'],
    ['hour 24', '2023-03-17T24:00:00Z'],
    ['hour 25', '2023-03-17T25:45:13.610Z'],
    ['minute 60', '2023-03-17T12:60:00Z'],
    ['leap second rejected (see module header)', '2016-12-31T23:59:60Z'],
    ['second 61', '2016-12-31T23:59:61Z'],
    ['no offset', '2030-01-01T00:00:00'],
    ['date only', '2030-01-01'],
    ['space separator', '2030-01-01 00:00:00Z'],
    ['empty fraction', '2030-01-01T00:00:00.Z'],
    ['comma fraction', '2030-01-01T00:00:00,5Z'],
    ['offset without colon', '2030-01-01T00:00:00+0100'],
    ['offset hour 24', '2030-01-01T00:00:00+24:00'],
    ['offset minute 60', '2030-01-01T00:00:00+01:60'],
    ['offset hours only', '2030-01-01T00:00:00+01'],
    ['5-digit year', '12030-01-01T00:00:00Z'],
    ['2-digit year', '30-01-01T00:00:00Z'],
    ['signed year', '+2030-01-01T00:00:00Z'],
    ['one-digit month', '2030-1-01T00:00:00Z'],
    ['trailing text', '2030-01-01T00:00:00Zx'],
    ['leading space', ' 2030-01-01T00:00:00Z'],
    ['trailing space', '2030-01-01T00:00:00Z '],
    ['non-ASCII digit', '２030-01-01T00:00:00Z'],
    ['JS Date string', 'Wed Oct 05 2011 16:48:00 GMT+0200 (CEST)'],
    ['never', 'never'],
    ['empty', ''],
  ])('error: %s', (_name, text) => expect(parseRfc3339(text)).toBeUndefined())

  it('error: not a string', () => expect(parseRfc3339(1 as unknown as string)).toBeUndefined())

  it('behavior: agrees with Date.parse on generated valid date-times', () => {
    const dateTime = fc
      .record({
        year: fc.integer({ min: 0, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,3}$/), { nil: undefined }),
        offset: fc.option(
          fc.tuple(
            fc.constantFrom('+', '-'),
            fc.integer({ min: 0, max: 23 }),
            fc.integer({ min: 0, max: 59 }),
          ),
          { nil: undefined },
        ),
      })
      .map((p) => {
        const days = new Date(Date.UTC(2000, p.month, 0)).getUTCDate() // days in month (leap-year agnostic)
        const day = Math.min(p.day, p.month === 2 ? 28 : days)
        const offset = p.offset === undefined ? 'Z' : `${p.offset[0]}${pad(p.offset[1])}:${pad(p.offset[2])}`
        const fraction = p.fraction === undefined ? '' : `.${p.fraction}`
        return `${pad(p.year, 4)}-${pad(p.month)}-${pad(day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${fraction}${offset}`
      })
    fc.assert(
      fc.property(dateTime, (text) => {
        expect(parseRfc3339(text)).toBe(Date.parse(text))
      }),
      { numRuns: 2000 },
    )
  })

  it('behavior: never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const value = parseRfc3339(text)
        expect(value === undefined || Number.isSafeInteger(value)).toBe(true)
      }),
    )
  })
})
