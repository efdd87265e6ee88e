/**
 * The IP → country lookup.
 * The contracts every port keeps (concurrency, outages): core/ports.ts.
 */

/**
 * The port behind the IP → country lookup (an operator's CSV file today: store/geo/). Not one of
 * `Stores`: it is read-only and optional. Sync on purpose: the table is in memory, and a lookup is
 * one binary search on the request path. Immutable once loaded, so concurrent lookups need nothing.
 */
export interface IpCountryDatabase {
  /** The two-letter code the database gives the address (any case, maybe a placeholder), or undefined. */
  countryOf(ip: string): string | undefined
}
