import { describe, expect, it } from 'vitest'
import { apiKeyChecksum } from '../src/core/api-keys/api-key-secret.js'
import type { ApiKeyStore, Stores } from '../src/core/ports.js'
import { openStores } from '../src/store/open-stores.js'
import {
  createKey,
  revokeKey,
  type SignedIn,
  splitApiKey,
  useKey,
  useSignedInServer,
} from './support/api-keys.js'
import { expectProblem } from './support/problem.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** The pattern docs/api.md gives secret scanners, copied here as a scanner author would. */
const SCANNER_PATTERN = /\bsgl_sk_[0-9A-Za-z]{65}\b/g

/** The real SQLite stores, counting the API-key lookups: what a refusal cost the store. */
async function countingStores() {
  const stores = await openStores('sqlite::memory:')
  const counted = { lookups: 0 }
  const apiKeys: ApiKeyStore = {
    ...stores.apiKeys,
    findById(id) {
      counted.lookups += 1
      return stores.apiKeys.findById(id)
    },
  }
  return { stores: { ...stores, apiKeys } as Stores, counted }
}

/** Issue 15: leaked keys must be findable, and a mangled one costs no store read. */
describe('API keys: checksummed secrets', () => {
  let server: TestServer
  let owner: SignedIn
  let counted: { lookups: number }
  useSignedInServer(
    (started) => ({ server, owner } = started),
    async () => {
      const opened = await countingStores()
      counted = opened.counted
      return startTestServer({}, { stores: opened.stores })
    },
  )

  it('attack: a minted key with one character changed is refused (401 API_KEY_INVALID) without a store read', async () => {
    const { secret } = await createKey(server, owner)
    expect((await useKey(server, secret)).statusCode).toBe(200)
    counted.lookups = 0
    for (const i of [7, 20, 40, 66, secret.length - 1]) {
      const swapped = secret[i] === 'a' ? 'b' : 'a'
      const mutated = `${secret.slice(0, i)}${swapped}${secret.slice(i + 1)}`
      expectProblem(await useKey(server, mutated), 401, 'API_KEY_INVALID')
    }
    expect(counted.lookups).toBe(0)
    // A key not seen yet is one lookup: the counter counts.
    const { secret: fresh } = await createKey(server, owner, { name: 'fresh' })
    expect((await useKey(server, fresh)).statusCode).toBe(200)
    expect(counted.lookups).toBe(1)
  })

  it('behavior: a key already verified is served from the cache: no store read per request', async () => {
    const { secret } = await createKey(server, owner)
    counted.lookups = 0
    for (let i = 0; i < 5; i++) expect((await useKey(server, secret)).statusCode).toBe(200)
    expect(counted.lookups).toBe(1)
    // A wrong secret for that id is refused from the cache too (the secret is compared each time).
    const { id, secretPart } = splitApiKey(secret)
    const wrong = secretPart.startsWith('a') ? `b${secretPart.slice(1)}` : `a${secretPart.slice(1)}`
    const body = `sgl_sk_${id}${wrong}`
    expectProblem(await useKey(server, `${body}${apiKeyChecksum(body)}`), 401, 'API_KEY_INVALID')
    expect(counted.lookups).toBe(1)
  })

  it('behavior: the documented scanner pattern plus checksum finds every minted key and no random look-alike', async () => {
    const minted = [] as string[]
    for (let i = 0; i < 3; i++) minted.push((await createKey(server, owner, { name: `k${i}` })).secret)
    const leak = `export API_KEY=${minted[0]}\nconfig = {"key": "${minted[1]}"}\n${minted[2]}`
    const found = [...leak.matchAll(SCANNER_PATTERN)].map((m) => m[0])
    expect(found).toEqual(minted)
    for (const key of found) expect(apiKeyChecksum(key.slice(0, -6))).toBe(key.slice(-6))
    const random = `sgl_sk_${'Q'.repeat(65)}`
    expect(random.match(SCANNER_PATTERN)).not.toBeNull()
    expect(apiKeyChecksum(random.slice(0, -6))).not.toBe(random.slice(-6))
  })

  it('behavior: a key of the shape minted before checksums (sgl_sk_ + 59) still authenticates', async () => {
    const { secret, id } = await createKey(server, owner)
    const { secretPart } = splitApiKey(secret)
    const legacy = `sgl_sk_${id}${secretPart}`
    expect((await useKey(server, legacy)).statusCode).toBe(200)
    await revokeKey(server, owner, id)
    expectProblem(await useKey(server, legacy), 401, 'API_KEY_REVOKED')
  })
})
