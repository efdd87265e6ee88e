/**
 * RFC 3339 §5.6 `date-time`, the timestamp format of EIP-4361 `issued-at`, `expiration-time` and
 * `not-before`:
 *
 *   date-time = full-date "T" full-time          ; "T" / "Z" may be lower case (§5.6 NOTE)
 *   full-date = date-fullyear "-" date-month "-" date-mday
 *   full-time = partial-time time-offset          ; the offset is required
 *   partial-time = time-hour ":" time-minute ":" time-second [ time-secfrac ]
 *   time-secfrac = "." 1*DIGIT
 *   time-offset = "Z" / ( "+" / "-" ) time-hour ":" time-minute
 *
 * Calendar-checked (month 01-12, day within the month incl. Gregorian leap years, hour 00-23,
 * minute 00-59): an impossible date is an error, never "no bound". JS `Date.parse` is not used:
 * it accepts many non-RFC forms and maps years 00-99 to 19xx.
 *
 * Leap seconds: `time-second = 60` is REJECTED. POSIX/epoch time has no representation for it
 * (every mapping moves a validity bound by up to a second), no JS wallet or library emits it,
 * and refusing is the fail-closed choice for an authentication bound.
 */

function digit(text: string, index: number): number {
  const c = text.charCodeAt(index) - 0x30
  return c >= 0 && c <= 9 ? c : Number.NaN
}

/** Two decimal digits at `index` as a number, NaN when not digits. */
function twoDigits(text: string, index: number): number {
  return digit(text, index) * 10 + digit(text, index + 1)
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

/**
 * Parses an RFC 3339 `date-time` and returns its instant in epoch milliseconds (fractions beyond
 * milliseconds are truncated), or `undefined` when the text is not a valid, calendar-correct
 * RFC 3339 date-time. Never throws.
 *
 * @example
 * parseRfc3339('2021-09-30T16:25:24-02:00') // 1633026324000
 * parseRfc3339('2030-02-30T00:00:00Z') // undefined
 */
export function parseRfc3339(text: string): number | undefined {
  if (typeof text !== 'string' || text.length < 20) return undefined
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2)
  const month = twoDigits(text, 5)
  const day = twoDigits(text, 8)
  const hour = twoDigits(text, 11)
  const minute = twoDigits(text, 14)
  const second = twoDigits(text, 17)
  // NaN (a non-digit) fails every range test below.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)))
    return undefined
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return undefined
  if (text[4] !== '-' || text[7] !== '-' || text[13] !== ':' || text[16] !== ':') return undefined
  const t = text[10]
  if (t !== 'T' && t !== 't') return undefined

  let index = 19
  let millis = 0
  if (text[index] === '.') {
    const start = ++index
    while (index < text.length && digit(text, index) >= 0) index++
    if (index === start) return undefined
    // Truncate to milliseconds: "…24.9999Z" is 24.999 s.
    for (let i = start; i < start + 3; i++) millis = millis * 10 + (i < index ? digit(text, i) : 0)
  }

  let offsetMinutes: number
  const sign = text[index]
  if ((sign === 'Z' || sign === 'z') && index + 1 === text.length) offsetMinutes = 0
  else if ((sign === '+' || sign === '-') && index + 6 === text.length && text[index + 3] === ':') {
    const offsetHour = twoDigits(text, index + 1)
    const offsetMinute = twoDigits(text, index + 4)
    if (!(offsetHour <= 23 && offsetMinute <= 59)) return undefined
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute)
  } else return undefined

  const days = daysFromCivil(year, month, day)
  return ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + millis
}
