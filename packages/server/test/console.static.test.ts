import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONSOLE_CSP, CONSOLE_DIST, registerConsole } from '../src/http/console.js'
import { expectProblem } from './support/problem.js'
import { tempDir } from './support/temp-dir.js'
import { startTestServer, type TestServer } from './support/test-server.js'

/** /console as served by the real app over the files `npm run build` made. */
describe('/console: the built files, their headers, nothing else', () => {
  let server: TestServer
  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
      throw new Error(`the console is not built (${CONSOLE_DIST}): run npm run build`)
    }
    server = await startTestServer()
  })
  afterAll(() => server?.close())
  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers })

  it('/console redirects to /console/, the page carries a strict CSP and is revalidated', async () => {
    const bare = await get('/console')
    expect([bare.statusCode, bare.headers.location]).toEqual([301, '/console/'])

    const page = await get('/console/')
    expect(page.statusCode).toBe(200)
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    })
    expect(CONSOLE_CSP).toContain("script-src 'self'")
    expect(CONSOLE_CSP).not.toMatch(/unsafe|\*|https?:/)
    // No inline script: every script is a file of this origin.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(page.body).toContain('<meta name="sigil-native-prefix" content="" />')

    const again = await get('/console/', { 'if-none-match': String(page.headers.etag) })
    expect(again.statusCode).toBe(304)
  })

  it('hashed assets are cacheable for good, with their content type', async () => {
    const page = await get('/console/')
    const script = /src="\/console\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1]
    const style = /href="\/console\/(assets\/[^"]+\.css)"/.exec(page.body)?.[1]
    const js = await get(`/console/${script}`)
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect((await get(`/console/${style}`)).headers['content-type']).toBe('text/css; charset=utf-8')
  })

  it.each([
    '/console/nope.js',
    '/console/../package.json',
    '/console/%2e%2e/package.json',
    '/console/assets/..%2f..%2fpackage.json',
    '/console/..%5cpackage.json',
    '/console/assets/',
  ])('%s is 404: only the built files, by exact name', async (url) => {
    const response = await get(url)
    expect(response.statusCode).toBe(404)
    expect(response.body).not.toContain('"workspaces"')
  })

  it('the page says where the native API is when it moved (native.prefix)', async () => {
    const moved = await startTestServer({ 'native.prefix': '/sigil' })
    try {
      const page = await moved.app.inject({ method: 'GET', url: '/console/' })
      expect(page.body).toContain('<meta name="sigil-native-prefix" content="/sigil" />')
    } finally {
      await moved.close()
    }
  })

  it('console off: /console is 404', async () => {
    const off = await startTestServer({ console: 'off' })
    try {
      await expectProblem(await off.app.inject({ method: 'GET', url: '/console/' }), 404, 'NOT_FOUND')
      await expectProblem(await off.app.inject({ method: 'GET', url: '/console' }), 404, 'NOT_FOUND')
    } finally {
      await off.close()
    }
  })
})

describe('registerConsole without a build', () => {
  it('answers 404 and says at start how to build it', async () => {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const app = Fastify({ logger: { level: 'warn', stream } })
    const empty = tempDir('sigil-console-empty-')
    // A folder with files but no index.html is not a build either.
    mkdirSync(join(empty, 'assets'))
    writeFileSync(join(empty, 'assets', 'x.js'), '')
    registerConsole(app, { nativePrefix: '', dir: empty })
    try {
      expect((await app.inject({ method: 'GET', url: '/console/' })).statusCode).toBe(404)
      expect((await app.inject({ method: 'GET', url: '/console/assets/x.js' })).statusCode).toBe(404)
      expect(lines.join('')).toContain('the web console is not built (run `npm run build`)')
    } finally {
      await app.close()
    }
  })
})
