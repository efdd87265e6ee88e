import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONFIG_ENTRIES } from '../src/config.js'
import { CLIENT_VARIABLES } from '../src/config-sources.js'
import { SIGIL_BIN, type SigilProcess, startSigilProcess } from './support/sigil-process.js'
import { useTempDir } from './support/temp-dir.js'

/**
 * The trader's commands of the real `sigil` binary against a real `sigil serve` process. A test
 * runs the binary up to ten times, each a Node start: the time limit is the suite's, not 20 s.
 */
describe('sigil client commands', { timeout: 60_000 }, () => {
  const folder = useTempDir('sigil-cli-client-')
  let server: SigilProcess
  let url: string

  beforeAll(async () => {
    server = await startSigilProcess({
      SIGIL_DATABASE_URL: `sqlite:${join(folder(), 'sigil.db')}`,
      // The client's variables in the same shell do not stop the server.
      SIGIL_URL: 'http://localhost:8080',
      SIGIL_PRIVATE_KEY: generatePrivateKey(),
    })
    url = server.url
  })
  afterAll(() => server?.stop()) // before the folder (registered earlier) is removed

  /** A user's own config folder (XDG_CONFIG_HOME), inside the suite's temporary folder. */
  const newHome = () => mkdtempSync(join(folder(), 'home-'))

  const sigil = (home: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = spawnSync(process.execPath, [SIGIL_BIN, ...args], {
      env: { PATH: process.env.PATH, XDG_CONFIG_HOME: home, SIGIL_URL: url, ...env },
      encoding: 'utf8',
      input: '',
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }
  const json = (output: { stdout: string }) => JSON.parse(output.stdout)
  const noStack = (output: { stderr: string }) => expect(output.stderr).not.toMatch(/\n\s+at /)

  it('default: login --dev, whoami, then an API key created by the CLI works against /v1/auth/me', async () => {
    const home = newHome()
    const login = sigil(home, ['login', '--dev'])
    expect([login.status, login.stderr]).toEqual([0, ''])
    const address = /as (0x[0-9a-fA-F]{40})/.exec(login.stdout)?.[1]
    expect(login.stdout).toContain('throwaway dev wallet')

    const who = sigil(home, ['whoami'])
    expect(who.status).toBe(0)
    expect(who.stdout).toMatch(new RegExp(`address\\s+${address}`))
    expect(json(sigil(home, ['whoami', '--json']))).toMatchObject({ account: { address }, credential: 'jwt' })

    const created = sigil(home, ['api-keys', 'create', '--name', 'bot', '--scope', 'trade', '--json'])
    expect(created.status).toBe(0)
    const key = json(created)
    expect(key).toMatchObject({ name: 'bot', scope: 'trade', status: 'active' })
    const me = await fetch(`${url}/v1/auth/me`, { headers: { 'x-api-key': key.secret } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ credential: 'api_key', apiKeyId: key.id, account: { address } })

    const listed = sigil(home, ['api-keys', 'list', '--json'])
    expect(json(listed)).toEqual([expect.objectContaining({ id: key.id, status: 'active' })])
    expect(listed.stdout).not.toContain(key.secret)
    // Human output: a header and rows whose columns line up.
    const [header, row] = sigil(home, ['api-keys', 'list']).stdout.split('\n')
    expect(header).toMatch(/^ID +NAME +SCOPE +STATUS +KEY +CREATED/)
    expect(row!.indexOf('bot')).toBe(header!.indexOf('NAME'))
    expect(row!.indexOf('trade')).toBe(header!.indexOf('SCOPE'))
    expect(row).not.toContain('\u001b[') // not a terminal: no colour

    const revoked = sigil(home, ['api-keys', 'revoke', key.id])
    expect([revoked.status, revoked.stdout.trim()]).toEqual([0, `Revoked key ${key.id}.`])
    const refused = await fetch(`${url}/v1/auth/me`, { headers: { 'x-api-key': key.secret } })
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([
      401,
      'API_KEY_REVOKED',
    ])
    expect(json(sigil(home, ['api-keys', 'list', '--json']))[0].status).toBe('revoked')
  })

  it('attack: the credentials file is 0600 in a 0700 folder, holds tokens by server, and never the private key', () => {
    const home = newHome()
    const privateKey = generatePrivateKey()
    const login = sigil(home, ['login'], { SIGIL_PRIVATE_KEY: privateKey })
    expect(login.status).toBe(0)
    expect(login.stdout).toContain(privateKeyToAccount(privateKey).address)
    const path = join(home, 'sigil', 'credentials.json')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, 'sigil')).mode & 0o777).toBe(0o700)
    const file = readFileSync(path, 'utf8')
    expect(JSON.parse(file).servers[url]).toMatchObject({ accessToken: expect.any(String) })
    for (const text of [file, login.stdout, login.stderr]) {
      expect(text).not.toContain(privateKey.slice(2))
    }
    // A wrong key is refused without repeating it.
    const wrong = sigil(home, ['login'], { SIGIL_PRIVATE_KEY: 'not-a-key-0123' })
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).not.toContain('not-a-key-0123')
  })

  it('behavior: sessions list marks this one; sessions revoke ends another; logout forgets the tokens', () => {
    const privateKey = generatePrivateKey()
    const [laptop, phone] = [newHome(), newHome()]
    for (const home of [laptop, phone])
      expect(sigil(home, ['login'], { SIGIL_PRIVATE_KEY: privateKey }).status).toBe(0)
    const sessions = json(sigil(laptop, ['sessions', 'list', '--json'])) as { id: string; current: boolean }[]
    expect(sessions.map((s) => s.current).sort()).toEqual([false, true])
    const human = sigil(laptop, ['sessions', 'list']).stdout
    expect(human).toContain(`${sessions.find((s) => s.current)!.id} (this one)`)

    const other = sessions.find((s) => !s.current)!
    expect(sigil(laptop, ['sessions', 'revoke', other.id]).status).toBe(0)
    const ended = sigil(phone, ['whoami'])
    expect(ended.status).toBe(77)
    expect(ended.stderr).toMatch(/SESSION_REVOKED.*sigil login/)
    noStack(ended)

    expect(sigil(laptop, ['logout']).status).toBe(0)
    const after = sigil(laptop, ['whoami'])
    expect([after.status, after.stderr]).toEqual([
      77,
      `sigil: not signed in to ${url}: run \`sigil login\`\n`,
    ])
  })

  it('error: a URL where no server listens is a one-line error, exit 69, with no stack trace', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as { port: number }
    await new Promise((resolve) => probe.close(resolve))
    const down = sigil(newHome(), ['login', '--dev', '--url', `http://127.0.0.1:${port}`])
    expect(down.status).toBe(69)
    expect(down.stderr).toBe(
      `sigil: cannot reach http://127.0.0.1:${port}: is the server running, and is --url right?\n`,
    )
    const asJson = sigil(newHome(), ['login', '--dev', '--json'], { SIGIL_URL: `http://127.0.0.1:${port}` })
    expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { code: 'NETWORK_ERROR', exitCode: 69 } })
  })

  it('error: usage mistakes exit 2 and say what is wrong', () => {
    const home = newHome()
    const noName = sigil(home, ['api-keys', 'create'])
    expect(noName.status).toBe(2)
    expect(noName.stderr).toMatch(/required option '--name <name>'/)
    const badScope = sigil(home, ['api-keys', 'create', '--name', 'x', '--scope', 'withdraw'])
    expect([badScope.status, badScope.stderr]).toEqual([
      2,
      expect.stringMatching(/Allowed choices are read, trade/),
    ])
    const badUrl = sigil(home, ['whoami', '--url', 'localhost:8080'])
    expect(badUrl.status).toBe(2)
    const noKey = sigil(home, ['login']) // no SIGIL_PRIVATE_KEY, empty standard input
    expect([noKey.status, noKey.stderr]).toEqual([2, expect.stringMatching(/no private key/)])
    const help = sigil(home, ['sessions', 'revoke', '--help'])
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: sigil sessions revoke/)])
  })

  it('behavior: `sigil completion bash` completes commands and subcommands in a real bash', () => {
    const script = sigil(newHome(), ['completion', 'bash'])
    expect(script.status).toBe(0)
    const complete = (...words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `${script.stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sigil; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim()
    expect(complete('sigil', 'api-keys', '').split(' ')).toEqual(
      expect.arrayContaining(['create', 'list', 'rotate', 'revoke']),
    )
    expect(complete('sigil', 'ses')).toBe('sessions')
    expect(complete('sigil', 'api-keys', 'create', '--sc')).toBe('--scope')
  })

  it('default: the client variables are declared apart from the settings, and none is a setting', () => {
    const settings = new Set(CONFIG_ENTRIES.map((e) => e.env))
    expect(CLIENT_VARIABLES).toEqual(['SIGIL_URL', 'SIGIL_PRIVATE_KEY'])
    for (const name of CLIENT_VARIABLES) expect(settings.has(name)).toBe(false)
  })
})
