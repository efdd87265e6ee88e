import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { OVERRIDE_HEADERS } from '../../src/http/proxy/upstream-headers.js'
import { stopProcess } from './child-process.js'

/**
 * Real forward-auth proxies from Debian's packages (nginx `auth_request`, Caddy `forward_auth`),
 * started on a free loopback port with their configuration, logs and state in `dir`, in front of
 * `upstream` and asking `sigil` (both `127.0.0.1:<port>`). The configurations are the ones
 * docs/gateway.md gives, with the addresses filled in.
 */
export interface RunningProxy {
  url: string
  stop(): Promise<void>
}

/** A port nothing listens on right now (released for the proxy to take). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The binary's path, or a failure that says how to install it: these tests never skip silently. */
export function requireBinary(name: 'nginx' | 'caddy'): string {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    try {
      execFileSync(join(dir, name), [name === 'nginx' ? '-v' : 'version'], { stdio: 'ignore' })
      return join(dir, name)
    } catch {}
  }
  throw new Error(`${name} is not installed: apt-get install -y ${name} (.ci/run does it)`)
}

/** Identity headers Sigil's verify endpoint may answer with (http/identity-headers.ts). */
const IDENTITY = [
  ['X-Sigil-Account', 'sigil_account'],
  ['X-Sigil-Wallet', 'sigil_wallet'],
  ['X-Sigil-Credential', 'sigil_credential'],
  ['X-Sigil-Scope', 'sigil_scope'],
  ['X-Sigil-Acting-Accounts', 'sigil_acting_accounts'],
  ['X-Sigil-Key-Id', 'sigil_key_id'],
  ['X-Sigil-Assertion', 'sigil_assertion'],
] as const

export function nginxConfig(dir: string, port: number, sigil: string, upstream: string): string {
  const captured = IDENTITY.map(
    ([name, variable]) =>
      `      auth_request_set $${variable} $upstream_http_${name.toLowerCase().replaceAll('-', '_')};`,
  )
  // proxy_set_header replaces a client's header of the same name; an empty value sends none.
  const forwarded = IDENTITY.map(([name, variable]) => `      proxy_set_header ${name} $${variable};`)
  const cleared = OVERRIDE_HEADERS.map((name) => `      proxy_set_header ${name} "";`)
  // Both asks state the same original request; only nginx states it (a client's copy of the other
  // family is dropped).
  const ask = `      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-Method $sigil_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Forwarded-Method "";
      proxy_set_header X-Forwarded-Uri "";
      proxy_set_header X-Forwarded-For $remote_addr;
      # Sigil's refusal of this request, kept for this request alone ($request_id).
      proxy_cache sigil_refusals;
      proxy_cache_key $request_id;
      proxy_cache_valid 400 401 403 429 10s;
      proxy_ignore_headers Cache-Control Expires X-Accel-Expires Set-Cookie Vary;`
  return `worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/sigil_refusals levels=1 keys_zone=sigil_refusals:1m inactive=10s max_size=16m use_temp_path=off;
  upstream sigil { server ${sigil}; }
  upstream backend { server ${upstream}; }
  server {
    listen 127.0.0.1:${port};
    location / {
      # Kept across the error_page redirect, which turns the method into GET.
      set $sigil_method $request_method;
      auth_request /_sigil/verify;
${captured.join('\n')}
      # auth_request passes only 401 and 403 on (with nginx's own body) and turns anything else,
      # a 429 included, into a 500: answer with Sigil's own refusal instead, body and headers.
      error_page 401 403 500 = /_sigil/refused;
${forwarded.join('\n')}
      # Headers that would rewrite the method, path or host after Sigil decided.
${cleared.join('\n')}
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_pass http://backend;
    }
    location = /_sigil/verify {
      internal;
      proxy_pass http://sigil/v1/verify;
      proxy_method GET;
${ask}
    }
    # The refusal the auth subrequest got, from nginx's cache: Sigil is not asked (nor counts) twice.
    location = /_sigil/refused {
      internal;
      proxy_pass http://sigil/v1/verify;
      proxy_method GET;
      # auth_request already copied Sigil's WWW-Authenticate of a 401.
      proxy_hide_header WWW-Authenticate;
${ask}
    }
  }
}
`
}

/** A Caddyfile matcher and directive removing `name` when it holds Caddy's literal placeholder. */
function dropUnexpanded(name: string): string {
  const matcher = `@no_${name.toLowerCase().replaceAll('-', '_')}`
  return `    ${matcher} header ${name} "\\{http.reverse_proxy.header.*"\n    request_header ${matcher} -${name}`
}

export function caddyConfig(dir: string, port: number, sigil: string, upstream: string): string {
  const names = IDENTITY.map(([name]) => name)
  return `{
  admin off
  auto_https off
  storage file_system ${dir}/storage
}
http://127.0.0.1:${port} {
  bind 127.0.0.1
  route {
    # A client's own identity headers never pass (copy_headers sets only the ones Sigil answered
    # with), nor any header that would rewrite the method, path or host after Sigil decided (a
    # rival statement of the original request among them; forward_auth sets its own for Sigil).
${[...names, ...OVERRIDE_HEADERS].map((name) => `    request_header -${name}`).join('\n')}
    forward_auth ${sigil} {
      uri /v1/verify
      copy_headers ${names.join(' ')}
    }
    # Caddy 2.6 copies a header the answer lacks as its unexpanded placeholder: drop those.
${names.map(dropUnexpanded).join('\n')}
    reverse_proxy ${upstream}
  }
}
`
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode}): ${log()}`)
    try {
      await fetch(`http://127.0.0.1:${port}/_probe`, { signal: AbortSignal.timeout(500) })
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`proxy did not listen on ${port}: ${log()}`)
}

function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  /** Where the proxy logs besides its output (nginx's error log), shown when it fails to start. */
  logFile?: string,
): Promise<RunningProxy> {
  let output = ''
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const log = () => output + (logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8') : '')
  return waitForPort(port, child, log).then(
    () => ({ url: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) }),
    async (error) => {
      await stopProcess(child)
      throw error
    },
  )
}

export async function startNginx(dir: string, sigil: string, upstream: string): Promise<RunningProxy> {
  const nginx = requireBinary('nginx')
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, nginxConfig(dir, port, sigil, upstream))
  // Started as root, nginx runs its workers as nobody: they must reach the refusal cache inside
  // `dir` (created 0700), which the master creates and hands over to them.
  chmodSync(dir, 0o711)
  // The prefix and every path inside `dir`: no root, no /var/log, no /run.
  return start(
    nginx,
    ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', `daemon off; pid ${dir}/nginx.pid;`],
    process.env,
    port,
    join(dir, 'error.log'),
  )
}

export async function startCaddy(dir: string, sigil: string, upstream: string): Promise<RunningProxy> {
  const caddy = requireBinary('caddy')
  const port = await freePort()
  const file = join(dir, 'Caddyfile')
  writeFileSync(file, caddyConfig(dir, port, sigil, upstream))
  for (const sub of ['home', 'config', 'data']) mkdirSync(join(dir, sub), { recursive: true })
  const env = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
  }
  return start(caddy, ['run', '--config', file, '--adapter', 'caddyfile'], env, port)
}
