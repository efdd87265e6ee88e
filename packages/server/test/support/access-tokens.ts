import { createAccessTokens } from '../../src/core/tokens/create-access-tokens.js'
import { createKeyRing } from '../../src/core/tokens/create-key-ring.js'
import type { TestServer } from './test-server.js'

/**
 * The server's active signing key, read from its store as another process (`sigil keys`) would:
 * for tests that forge or mint tokens the API itself never issues. The gateway lends its keys to no
 * one; the store, like an attacker who stole it, does.
 */
export async function storedSigningKey(server: TestServer) {
  const ring = createKeyRing(server.stores.signingKeys, server.clock, {
    algorithm: server.config.jwtAlgorithm,
    retentionMs: 0,
    leadMs: 0,
  })
  await ring.refresh()
  return ring.activeKey()
}

/** An access token for any subject and claims, signed with the server's own active key. */
export async function mintAccessToken(
  server: TestServer,
  subject: Parameters<ReturnType<typeof createAccessTokens>['issue']>[0],
) {
  const ring = createKeyRing(server.stores.signingKeys, server.clock, {
    algorithm: server.config.jwtAlgorithm,
    retentionMs: 0,
    leadMs: 0,
  })
  await ring.refresh()
  const tokens = createAccessTokens(ring, () => false, server.clock, {
    issuer: server.config.jwtIssuer,
    audience: server.config.jwtAudience,
    ttlSeconds: server.config.accessTokenTtlSeconds,
    clockToleranceSeconds: server.config.jwtClockToleranceSeconds,
  })
  return tokens.issue(subject)
}
