import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiKeyStore, Stores } from '../src/core/ports.js'
import { openStores } from '../src/store/open-stores.js'
import { createKey, type SignedIn, signedIn, useKey } from './support/api-keys.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** Issue 12: "last used" is written off the request path, coalesced, and not lost on shutdown. */
describe('API keys: last use', () => {
  let server: TestServer
  let owner: SignedIn
  let stores: Stores
  const writes: { id: string; at: number; ip: string }[] = []
  beforeEach(async () => {
    writes.length = 0
    stores = await openStores('sqlite::memory:')
    const apiKeys: ApiKeyStore = {
      ...stores.apiKeys,
      recordUse(id, at, ip) {
        writes.push({ id, at, ip })
        return stores.apiKeys.recordUse(id, at, ip)
      },
    }
    // The app is closed alone (the stores stay open to be read after it).
    server = await startTestServer({}, { stores: { ...stores, apiKeys, close: async () => {} } as Stores })
    owner = await signedIn(server)
  })
  afterEach(async () => {
    await server.close()
    await stores.close()
  })

  it('behavior: many uses write nothing while serving; shutdown writes the latest use of each key once', async () => {
    const key = await createKey(server, owner)
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      server.clock.advance(1000)
      expect((await useKey(server, key.secret, { ip })).statusCode).toBe(200)
    }
    expect(writes).toEqual([])
    await server.close()
    expect(writes).toEqual([{ id: key.id, at: server.clock.now(), ip: '198.51.100.3' }])
    const stored = await stores.apiKeys.findById(key.id)
    expect([stored?.lastUsedAt, stored?.lastUsedIp]).toEqual([server.clock.now(), '198.51.100.3'])
  })
})
