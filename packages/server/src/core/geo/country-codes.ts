/**
 * ISO 3166-1 alpha-2: the 249 officially assigned codes, plus `XK` (Kosovo), a user-assigned code
 * that the EU, Cloudflare and the free IP databases (db-ip, ip2location) all use for it. Checking
 * against the real list, not just `[A-Z]{2}`, catches the classic typo: `UK` is not the United
 * Kingdom's code (`GB` is), and a blocklist saying `UK` would silently block nobody.
 */
const ASSIGNED = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK`

export const COUNTRY_CODES: ReadonlySet<string> = new Set(ASSIGNED.trim().split(/\s+/))

/** A country as Sigil names it: an upper-case code of COUNTRY_CODES. */
export type CountryCode = string & { readonly __country: unique symbol }

/**
 * The code in `text` (trimmed, any case), or undefined when it names no country. Placeholders the
 * sources use for "no idea" (`XX`, `ZZ`, `-`, Cloudflare's `T1` for Tor, MaxMind's `EU`/`AP`) are
 * not countries: they come out undefined, i.e. an unknown country (see `geoBlockUnknown`).
 */
export function parseCountryCode(text: string): CountryCode | undefined {
  const code = text.trim().toUpperCase()
  return COUNTRY_CODES.has(code) ? (code as CountryCode) : undefined
}
