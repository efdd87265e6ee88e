import { execFile } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createSigilClient } from '@sigil/client'
import { createRequestSigner } from '@sigil/client/signer'
import { describe, expect, it } from 'vitest'
import { useSigilCliSuite } from './support/sigil-cli-suite.js'
import { PYTHON_SCRIPT, SHELL_SCRIPT } from './support/signed-request-docs.js'
import { tempDir } from './support/temp-dir.js'

const execFileAsync = promisify(execFile)

/**
 * Requests signed with a key `sigil api-keys create --generate` made, against a real `sigil serve`
 * (with an upstream behind its proxy): by the SDK, by `sigil request`, and by the curl + openssl
 * and Python scripts of docs/signed-requests.md, run as printed there.
 */
describe('signed requests with a key the CLI generated', { timeout: 60_000 }, () => {
  const { url, upstream, sigil, sigilAsync, generated } = useSigilCliSuite('sigil-cli-signed-')

  it('default: a key made by --generate signs SDK requests: the bot is the account, with no sign-in', async () => {
    const { home, id, keyFile } = generated()
    const privateKey = createPrivateKey(readFileSync(keyFile)).export({ format: 'jwk' })
    const bot = createSigilClient({ baseUrl: url(), signer: createRequestSigner({ keyId: id, privateKey }) })
    const me = await bot.me()
    const owner = JSON.parse(sigil(home, ['whoami', '--json']).stdout) as { account: { id: string } }
    expect(me).toMatchObject({ account: { id: owner.account.id }, credential: 'api_key', apiKeyId: id })
    expect(me.scopes).not.toContain('account')
  })

  it('default: `sigil request` signs with the key file (its name is the key id); refusals exit non-zero with the code', () => {
    const { home, id, keyFile } = generated('read')
    const me = sigil(home, ['request', 'GET', '/v1/auth/me', '--key-file', keyFile])
    expect([me.status, me.stderr]).toEqual([0, ''])
    expect(JSON.parse(me.stdout)).toMatchObject({ credential: 'api_key', apiKeyId: id })
    const keys = sigil(home, ['request', 'GET', '/v1/api-keys', '--key-file', keyFile, '--json'])
    expect(keys.status).toBe(1)
    expect(JSON.parse(keys.stderr).error).toMatchObject({ code: 'SCOPE_MISSING', status: 403 })
    const other = sigil(home, [
      'request',
      'GET',
      '/v1/auth/me',
      '--key-file',
      keyFile,
      '--key-id',
      'AAAAAAAAAAAAAAAA',
    ])
    expect(other.status).toBe(77)
    const order = sigil(home, ['request', 'POST', '/orders', '--key-file', keyFile, '--data', '{"size":"1"}'])
    expect(order.status).toBe(1) // a read key cannot trade through the proxy
    expect(order.stderr).toContain('SCOPE_MISSING')
    expect(sigil(home, ['request', 'GET', '/v1/auth/me', '--key-file', join(home, 'none.pem')]).status).toBe(
      2,
    )
  })

  it('default: `sigil request POST --data @FILE` with a trade key: the order reaches the upstream through the proxy, digest checked', async () => {
    const { home, id, keyFile } = generated('trade')
    const order = JSON.stringify({ symbol: 'ETH-USD', side: 'sell', size: '2' })
    writeFileSync(join(home, 'order.json'), order)
    const before = upstream().received.length
    const stdout = await sigilAsync(home, [
      'request',
      'POST',
      '/orders?venue=evedex',
      '--key-file',
      keyFile,
      '--data',
      `@${join(home, 'order.json')}`,
    ])
    expect(JSON.parse(stdout)).toMatchObject({ upstream: true, method: 'POST', url: '/orders?venue=evedex' })
    expect(upstream().received[before]).toMatchObject({
      body: order,
      headers: { 'x-sigil-credential': 'api_key_signed', 'x-sigil-key-id': id },
    })
    expect(
      sigil(home, ['request', 'POST', '/orders', '--key-file', keyFile, '--data', '{not json']).status,
    ).toBe(2)
  })

  it('the docs scripts (curl + openssl, Python) send signed requests the server accepts, a body through the proxy', async () => {
    const { id, keyFile } = generated('trade')
    const folder = tempDir('sigil-docs-scripts-')
    const scripts = { bash: join(folder, 'sigil-request.sh'), python3: join(folder, 'sigil_request.py') }
    writeFileSync(scripts.bash, SHELL_SCRIPT())
    writeFileSync(scripts.python3, PYTHON_SCRIPT())
    const order = JSON.stringify({ symbol: 'BTC-USD', side: 'buy', size: '1' })
    for (const [command, script] of Object.entries(scripts)) {
      // Not execFileSync: the upstream runs in this process and must answer while the script waits.
      const run = async (...args: string[]) =>
        (
          await execFileAsync(command, [script, ...args], {
            env: { PATH: process.env.PATH },
            encoding: 'utf8',
          })
        ).stdout
      expect(JSON.parse(await run('GET', `${url()}/v1/auth/me`, id, keyFile))).toMatchObject({
        credential: 'api_key',
        apiKeyId: id,
      })
      const before = upstream().received.length
      expect(JSON.parse(await run('POST', `${url()}/orders?venue=evedex`, id, keyFile, order))).toMatchObject(
        {
          upstream: true,
          url: '/orders?venue=evedex',
        },
      )
      expect(upstream().received[before]).toMatchObject({
        body: order,
        headers: { 'x-sigil-credential': 'api_key_signed', 'x-sigil-key-id': id },
      })
    }
  })
})
