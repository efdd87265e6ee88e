import { readFile } from 'node:fs/promises'
import { ConfigError } from '../../config.js'
import { type IpCountryTable, IpCountryTableError, parseIpCountryCsv } from './ip-country-table.js'

/**
 * Reads `geoIpDatabase` at start. A missing or malformed file is a ConfigError (exit 78, like any
 * bad setting): starting without it would let every client through as "unknown".
 */
export async function openIpCountryDatabase(path: string): Promise<IpCountryTable> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new ConfigError([`geoIpDatabase: ${path} cannot be read`])
  }
  try {
    return parseIpCountryCsv(text)
  } catch (error) {
    if (!(error instanceof IpCountryTableError)) throw error
    throw new ConfigError(error.problems.map((problem) => `geoIpDatabase: ${path}: ${problem}`))
  }
}
