import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { sendProblem } from './plugins/problem-details.js'

/** Where `npm run build` puts the console (packages/server/console-dist; the same from src/ and dist/). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console-dist/', import.meta.url))
export const CONSOLE_PATH = '/console'

/** The placeholder in the built index.html that says where the native API is (its prefix). */
const PREFIX_PLACEHOLDER = '__SIGIL_NATIVE_PREFIX__'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Scripts and styles only from Sigil's own files (no inline script, no eval, no CDN), API calls
 * only to this origin, never framed, no form posts anywhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

interface ConsoleFile {
  body: Buffer
  type: string
  etag: string
  /** Vite names what it emits under assets/ by content hash: cacheable for good. */
  immutable: boolean
}

/**
 * The built files, read once into memory: a few hundred kilobytes that never change while the
 * process runs. A handler this small needs no static-file plugin: no path from the request ever
 * reaches the file system (the lookup is an exact match in this map), so no traversal to defend.
 */
export function loadConsoleFiles(dir: string, nativePrefix: string): Map<string, ConsoleFile> | undefined {
  let names: string[]
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return undefined
  }
  const files = new Map<string, ConsoleFile>()
  for (const name of names) {
    const full = join(dir, name)
    const type = CONTENT_TYPES[extname(name)]
    if (type === undefined || !statSync(full).isFile()) continue
    const path = relative(dir, full).split(sep).join('/')
    let body = readFileSync(full)
    if (path === 'index.html')
      body = Buffer.from(body.toString('utf8').replaceAll(PREFIX_PLACEHOLDER, escapeHtml(nativePrefix)))
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
    files.set(path, { body, type, etag, immutable: path.startsWith('assets/') })
  }
  return files.has('index.html') ? files : undefined
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * GET /console/…: the web console's static files, with a strict CSP. Registered only with
 * `console: 'on'`; unbuilt (no console-dist), every path is 404 and the start log says why.
 */
export function registerConsole(app: FastifyInstance, options: { nativePrefix: string; dir?: string }) {
  const files = loadConsoleFiles(options.dir ?? CONSOLE_DIST, options.nativePrefix)
  if (!files) {
    app.log.warn(
      { dir: options.dir ?? CONSOLE_DIST },
      'the web console is not built (run `npm run build`): /console answers 404',
    )
  }
  // Public files: the console signs in through the API like any other client. Not in OpenAPI.
  const config = { auth: 'public' as const }
  const send = (reply: FastifyReply, file: ConsoleFile, ifNoneMatch: string | undefined) => {
    reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin')
      .header('cross-origin-resource-policy', 'same-origin')
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('etag', file.etag)
    if (ifNoneMatch === file.etag) return reply.code(304).send()
    return reply.type(file.type).send(file.body)
  }
  app.get(CONSOLE_PATH, { config, schema: { hide: true } }, async (_request, reply) =>
    files ? reply.redirect(`${CONSOLE_PATH}/`, 301) : sendProblem(reply, 'NOT_FOUND'),
  )
  app.get<{ Params: { '*': string } }>(
    `${CONSOLE_PATH}/*`,
    { config, schema: { hide: true } },
    async (request, reply) => {
      const file = files?.get(request.params['*'] || 'index.html')
      if (!file) return sendProblem(reply, 'NOT_FOUND')
      return send(reply, file, request.headers['if-none-match'])
    },
  )
}
