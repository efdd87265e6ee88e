import type { Redis } from 'ioredis'

/** Calls one Lua script: `keys` become KEYS, `args` ARGV. */
export type RedisScript = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>

/**
 * Registers `lua` on `client` as the command `name` (ioredis sends EVALSHA and falls back to EVAL
 * on NOSCRIPT, per connection, so a restarted or flushed Redis needs nothing from us) and returns
 * a typed caller. Idempotent per client and name.
 */
export function defineScript(client: Redis, name: string, lua: string, numberOfKeys: number): RedisScript {
  const commands = client as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>
  if (typeof commands[name] !== 'function') client.defineCommand(name, { lua, numberOfKeys })
  const command = commands[name]
  if (typeof command !== 'function') throw new Error(`redis: script ${name} could not be defined`)
  return (keys, args) => {
    if (keys.length !== numberOfKeys) throw new Error(`redis: script ${name} takes ${numberOfKeys} keys`)
    return command.call(client, ...keys, ...args)
  }
}
