/**
 * What one replica tells the others so that a revocation takes effect everywhere at once: the
 * sessions it ended (their access tokens must stop verifying before they expire), API keys revoked
 * or given a new secret (they leave every replica's cache of verified keys, and the WebSockets they
 * opened are closed or re-checked) and a signing-key rotation (verify and publish the new key now,
 * not at the next refresh).
 */
export type Revocation =
  | { kind: 'sessions'; sessionIds: readonly string[]; at: number }
  | { kind: 'api_keys'; keyIds: readonly string[]; change: ApiKeyChange; at: number }
  | { kind: 'signing_keys' }

/** `revoked`: the key is dead. `rotated`: its old secret works until the grace period ends (maybe now). */
export type ApiKeyChange = 'revoked' | 'rotated'

export interface RevocationListener {
  apply(revocation: Revocation): void
  /** Messages may have been missed (the bus was disconnected): rebuild the view from the store. */
  resync(): Promise<void>
}

/**
 * The revocation bus. In one process it is a function call; across replicas, Redis pub/sub. Each
 * replica keeps its own bounded view (the revocation list, the key ring) and the store stays the
 * truth: a missed message is repaired by `resync`, and while the bus is not `live` the checks read
 * the store instead of trusting the view.
 */
export interface RevocationBus {
  /** Reaches every replica's listener (this one's too). Never rejects: an unsent message is retried. */
  publish(revocation: Revocation): Promise<void>
  /** Starts delivery to this process's one listener. */
  listen(listener: RevocationListener): void
  /** False while messages may be missed: revocation checks then read the store. */
  readonly live: boolean
  /** True when other processes share it (then a periodic resync backs the messages up). */
  readonly shared: boolean
  close(): Promise<void>
}

/** One process: delivered at once, nothing to miss. */
export function createLocalRevocationBus(): RevocationBus {
  let listener: RevocationListener | undefined
  return {
    async publish(revocation) {
      listener?.apply(revocation)
    },
    listen(next) {
      listener = next
    },
    live: true,
    shared: false,
    async close() {},
  }
}
