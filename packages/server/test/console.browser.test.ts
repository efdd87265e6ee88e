import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_CSP, CONSOLE_DIST } from '../src/http/console.js'
import type { ManualClock } from './support/manual-clock.js'
import { useTempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'
import { newWallet } from './support/wallet.js'

/** Debian's package (`apt-get install chromium`); playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium'
const inCi = process.env.CI === 'true'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium && !inCi) {
  console.warn(`console.browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`)
}
/** `SIGIL_CONSOLE_SCREENSHOTS=1`: refresh the committed screenshots docs/console.md shows. */
const DOCS_SCREENSHOTS = fileURLToPath(new URL('../../../docs/console/', import.meta.url))
const updateDocs = process.env.SIGIL_CONSOLE_SCREENSHOTS === '1'

/** The browser's clock is real: so is the server's (the SIWE message's Issued At must be now). */
const realClock: ManualClock = {
  now: () => Date.now(),
  advance: () => {
    throw new Error('real clock')
  },
  set: () => {
    throw new Error('real clock')
  },
}

interface BrowserElement {
  getAttribute(name: string): string | null
  textContent: string | null
  labels?: ArrayLike<{ textContent: string | null }> | null
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

/**
 * The web console in a real headless Chromium against a real Sigil on loopback. The page's wallet
 * is a test EIP-1193 provider whose personal_sign is a viem account in this process.
 */
describe.skipIf(!hasChromium && !inCi)('web console in Chromium', { timeout: 90_000 }, () => {
  const folder = useTempDir('sigil-console-')
  let server: TestServer
  let browser: Browser
  let origin: string
  const wallet = newWallet()

  beforeAll(async () => {
    if (!hasChromium)
      throw new Error(`${CHROMIUM} is missing (CI=true: not skipped): apt-get install -y chromium`)
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
      throw new Error(`the console is not built (${CONSOLE_DIST}): run npm run build`)
    }
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    server = await startTestServer({ publicUrl: origin }, { clock: realClock })
    await server.app.listen({ port, host: '127.0.0.1' })
    // Root in a container has no user namespace for Chromium's sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const screenshot = async (page: Page, name: string) => {
    const dir = updateDocs ? DOCS_SCREENSHOTS : folder()
    mkdirSync(dir, { recursive: true })
    await page.screenshot({ path: join(dir, name), fullPage: true })
  }

  // Page functions run in the browser; the tests' types have no DOM, hence the casts to the few members used.
  const focusedName = (page: Page) =>
    page.evaluate(() => {
      const active = (globalThis as unknown as { document: { activeElement: BrowserElement | null } })
        .document.activeElement
      // What a screen reader announces: aria-label, else the field's <label>, else the text.
      const label = active?.labels?.[0]?.textContent
      return (active?.getAttribute('aria-label') ?? label ?? active?.textContent ?? '').trim()
    })

  /** The focused element's outline (style and width): what makes keyboard focus visible. */
  const focusedOutline = (page: Page) =>
    page.evaluate(() => {
      const browser = globalThis as unknown as {
        document: { activeElement: object | null }
        getComputedStyle(element: object): { outlineStyle: string; outlineWidth: string }
      }
      const active = browser.document.activeElement
      if (!active) return 'none'
      const style = browser.getComputedStyle(active)
      return `${style.outlineStyle} ${style.outlineWidth}`
    })

  const me = (secret: string) => fetch(`${origin}/v1/auth/me`, { headers: { 'x-api-key': secret } })

  it('signs in with the wallet, creates a key that works, revokes it, and the key is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
    const page = await context.newPage()
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text())
    })
    page.on('pageerror', (error) => violations.push(String(error)))
    // The wallet: EIP-1193 in the page, the key in Node (the page only sees signatures).
    await context.exposeFunction('sigilTestSign', (hexMessage: Hex) =>
      wallet.signMessage({ message: { raw: hexMessage } }),
    )
    await context.addInitScript((address: string) => {
      const page = globalThis as unknown as { sigilTestSign(m: string): Promise<string>; ethereum: unknown }
      const sign = page.sigilTestSign
      page.ethereum = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address]
          if (method === 'eth_chainId') return '0x1'
          if (method === 'personal_sign') return sign(String(params?.[0]))
          throw Object.assign(new Error(`unsupported: ${method}`), { code: 4200 })
        },
      }
    }, wallet.address)

    const response = await page.goto(`${origin}/console/`)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP)
    expect(response?.headers()['x-content-type-options']).toBe('nosniff')

    // Keyboard only: Tab reaches the skip link, then the labelled Connect button; Enter works.
    await page.getByRole('button', { name: 'Connect wallet' }).waitFor()
    await page.keyboard.press('Tab')
    expect(await focusedName(page)).toBe('Skip to content')
    await page.keyboard.press('Tab')
    expect(await focusedName(page)).toBe('Connect wallet')
    await screenshot(page, 'sign-in.png')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign in with Ethereum' }).waitFor()
    expect(await focusedName(page)).toBe('Sign in with Ethereum')
    await page.keyboard.press('Enter')

    await page.getByRole('heading', { name: 'Account' }).waitFor()
    await expect.poll(() => page.getByText(wallet.address).count()).toBeGreaterThan(0)
    const cookies = await context.cookies()
    expect(cookies.find((c) => c.name === 'sigil_session')).toMatchObject({ httpOnly: true })

    // Create a key through the labelled form (cookie + Origin: Sigil's CSRF check lets it through).
    await page.getByLabel('Name').fill('ci-bot')
    await page.getByLabel('Scope').selectOption('trade')
    await page.getByLabel('Allowed IPs (optional)').fill('127.0.0.1')
    await page.getByLabel('Expires in days (optional)').fill('30')
    await page.getByRole('button', { name: 'Create key' }).click()
    const secretField = page.getByLabel('New API key secret')
    await secretField.waitFor()
    const secret = await secretField.inputValue()
    expect(secret).toMatch(/^sgl_sk_[0-9A-Za-z]{65}$/)
    // Focus went to the warning, so a screen reader reads it before anything else.
    expect(await focusedName(page)).toMatch(/^Key “ci-bot” created: copy its secret now$/)
    await page.getByText('This is the only time the secret is shown.').waitFor()
    await page.getByRole('button', { name: 'Copy' }).waitFor()
    await screenshot(page, 'api-key-created.png')

    // The secret works against the API, with the key's scope.
    const before = await me(secret)
    expect(before.status).toBe(200)
    expect(await before.json()).toMatchObject({ credential: 'api_key', scopes: ['read', 'trade'] })

    // Revoke it in the UI (a second step confirms), then the API refuses it.
    await page.getByRole('button', { name: 'I have saved it' }).click()
    await expect.poll(() => secretField.count()).toBe(0)
    await page.getByRole('button', { name: 'Revoke key ci-bot' }).click()
    await page.getByRole('button', { name: 'Confirm revoking key ci-bot' }).click()
    await page.getByText('API key ci-bot revoked.').waitFor()
    const after = await me(secret)
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ code: 'API_KEY_REVOKED' })

    // The activity log shows what happened, newest first.
    await page.getByRole('cell', { name: 'api_key.revoked' }).waitFor()
    await page.getByRole('cell', { name: 'api_key.created' }).waitFor()
    await page.getByRole('cell', { name: 'sign_in.succeeded' }).waitFor()
    // The sessions list names this browser's session; its revoke button is labelled.
    await page.getByRole('button', { name: 'Revoke session (this browser)' }).waitFor()
    await screenshot(page, 'overview.png')

    // Rotate: a new secret, shown once; the old one stops working at once (no grace period).
    await page.getByLabel('Name').fill('rotating')
    await page.getByLabel('Scope').selectOption('read')
    await page.getByRole('button', { name: 'Create key' }).click()
    await secretField.waitFor()
    const first = await secretField.inputValue()
    await page.getByRole('button', { name: 'I have saved it' }).click()
    await page.getByRole('button', { name: 'Rotate key rotating' }).click()
    await page.getByRole('heading', { name: 'Key “rotating” rotated: copy its secret now' }).waitFor()
    const second = await secretField.inputValue()
    expect(second).not.toBe(first)
    expect((await me(first)).status).toBe(401)
    expect((await me(second)).status).toBe(200)
    await page.getByRole('button', { name: 'I have saved it' }).click()

    // Keyboard: from the top, Tab reaches every main action, each by its label, with a visible focus.
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    )
    await page.getByRole('heading', { name: 'Sigil console' }).click()
    const reached: string[] = []
    let outline = ''
    for (let i = 0; i < 60 && !reached.includes('Sign out everywhere'); i++) {
      await page.keyboard.press('Tab')
      reached.push(await focusedName(page))
      if (reached.at(-1) === 'Create key') outline = await focusedOutline(page)
    }
    expect(reached).toEqual(
      expect.arrayContaining([
        'Sign out',
        'Name',
        'Create key',
        'Rotate key rotating',
        'Revoke key rotating',
        'Revoke session (this browser)',
        'Sign out everywhere',
      ]),
    )
    expect(outline).not.toMatch(/^none/)

    // Sign out everywhere: the cookie no longer opens the API, the page asks to sign in again.
    await page.getByRole('button', { name: 'Sign out everywhere' }).click()
    await page.getByRole('button', { name: 'Connect wallet' }).waitFor()
    expect(violations).toEqual([])
    await context.close()
  })
})
