import type { PublicKeyJwk } from '@sigil/protocol/http-signatures'
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely'
import type { ApiKey, ApiKeyCredential, ApiKeyStore } from '../../core/ports.js'
import type { ApiKeyScope } from '../../core/scopes.js'
import { boundedInsert, type SqlDialectTraits } from './dialect.js'
import type { ApiKeyRow, Database } from './schema.js'

type Row = Selectable<ApiKeyRow>

/**
 * A key in force at `now`: neither revoked nor expired. This is what the service shows as
 * `active`; a rotation's grace period keeps a second secret on the same row, never a second key.
 */
const activeAt = (now: number) => (eb: ExpressionBuilder<Database, 'api_keys'>) =>
  eb.and([eb('revoked_at', 'is', null), eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)])])

const jwkOf = (text: string) => JSON.parse(text) as PublicKeyJwk

function credentialOf(row: Row): Pick<ApiKey, 'credential' | 'previousCredential'> {
  if (row.credential === 'hmac')
    return {
      credential: { kind: 'hmac', sealedSecret: new Uint8Array(row.sealed_secret!) },
      ...(row.previous_sealed_secret === null
        ? {}
        : { previousCredential: { kind: 'hmac', sealedSecret: new Uint8Array(row.previous_sealed_secret) } }),
    }
  if (row.credential === 'public-key')
    return {
      credential: { kind: 'public-key', publicKey: jwkOf(row.public_key!) },
      ...(row.previous_public_key === null
        ? {}
        : { previousCredential: { kind: 'public-key', publicKey: jwkOf(row.previous_public_key) } }),
    }
  return {
    credential: { kind: 'secret', secretHash: new Uint8Array(row.secret_hash), secretTail: row.secret_tail },
    ...(row.previous_secret_hash === null
      ? {}
      : { previousCredential: { kind: 'secret', secretHash: new Uint8Array(row.previous_secret_hash) } }),
  }
}

/** The columns of a credential; a public-key row keeps the (NOT NULL) secret columns empty. */
function credentialColumns(credential: ApiKeyCredential) {
  switch (credential.kind) {
    case 'secret':
      return {
        secret_hash: credential.secretHash,
        secret_tail: credential.secretTail,
        public_key: null,
        sealed_secret: null,
      }
    case 'public-key':
      return {
        secret_hash: NO_SECRET,
        secret_tail: '',
        public_key: JSON.stringify(credential.publicKey),
        sealed_secret: null,
      }
    case 'hmac':
      return {
        secret_hash: NO_SECRET,
        secret_tail: '',
        public_key: null,
        sealed_secret: credential.sealedSecret,
      }
  }
}
const NO_SECRET = new Uint8Array(0)

const toApiKey = (row: Row): ApiKey => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  scope: row.scope as ApiKeyScope,
  ...credentialOf(row),
  allowedIps: JSON.parse(row.allowed_ips) as string[],
  createdAt: Number(row.created_at),
  ...(row.previous_expires_at === null ? {} : { previousExpiresAt: Number(row.previous_expires_at) }),
  ...(row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) }),
  ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
  ...(row.last_used_at === null ? {} : { lastUsedAt: Number(row.last_used_at) }),
  ...(row.last_used_ip === null ? {} : { lastUsedIp: row.last_used_ip }),
})

export function createApiKeyStore(db: Kysely<Database>, traits: SqlDialectTraits): ApiKeyStore {
  return {
    async insert(key, { maxActivePerAccount }) {
      // One statement: the row goes in only while the account has fewer keys in force at the new
      // key's creation time (see SqlDialectTraits for what makes it atomic on each dialect).
      // PostgreSQL types the bare parameters from the target columns, so no casts are needed.
      const columns = credentialColumns(key.credential)
      const inserted = await boundedInsert(db, traits, key.accountId, (executor) =>
        executor
          .insertInto('api_keys')
          .columns([
            'id',
            'account_id',
            'name',
            'scope',
            'secret_hash',
            'secret_tail',
            'credential',
            'public_key',
            'sealed_secret',
            'allowed_ips',
            'created_at',
            'expires_at',
          ])
          .expression(
            executor
              .selectNoFrom((eb) => [
                eb.val(key.id).as('id'),
                eb.val(key.accountId).as('account_id'),
                eb.val(key.name).as('name'),
                eb.val(key.scope).as('scope'),
                eb.val(columns.secret_hash).as('secret_hash'),
                eb.val(columns.secret_tail).as('secret_tail'),
                eb.val(key.credential.kind).as('credential'),
                eb.val(columns.public_key).as('public_key'),
                eb.val(columns.sealed_secret).as('sealed_secret'),
                eb.val(JSON.stringify(key.allowedIps)).as('allowed_ips'),
                eb.val(key.createdAt).as('created_at'),
                eb.val(key.expiresAt ?? null).as('expires_at'),
              ])
              .where(
                (eb) =>
                  eb
                    .selectFrom('api_keys')
                    .select((eb) => eb.fn.countAll().as('active'))
                    .where('account_id', '=', key.accountId)
                    .where(activeAt(key.createdAt)),
                '<',
                maxActivePerAccount,
              ),
          )
          .executeTakeFirst(),
      )
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? 'inserted' : 'limit_reached'
    },

    async findById(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toApiKey(row)
    },

    async listOfAccount(accountId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .execute()
      return rows.map(toApiKey)
    },

    async revoke(id, accountId, now) {
      const result = await db
        .updateTable('api_keys')
        .set({
          revoked_at: now,
          previous_secret_hash: null,
          previous_public_key: null,
          previous_sealed_secret: null,
          previous_expires_at: null,
        })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where(activeAt(now))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async replaceCredential(id, accountId, next, now) {
      // One conditional UPDATE (SET reads the row's values from before it): concurrent rotations
      // queue on the row, each keeping the credential it replaced, and one racing a revoke either
      // precedes it or finds the key inactive. Only a credential of the same kind is replaced.
      const graceful = next.previousExpiresAt > now
      const { credential } = next
      const result = await db
        .updateTable('api_keys')
        .set((eb) => {
          const previous_expires_at = graceful ? next.previousExpiresAt : null
          switch (credential.kind) {
            case 'secret':
              return {
                secret_hash: credential.secretHash,
                secret_tail: credential.secretTail,
                previous_secret_hash: graceful ? eb.ref('secret_hash') : null,
                previous_expires_at,
              }
            case 'public-key':
              return {
                public_key: JSON.stringify(credential.publicKey),
                previous_public_key: graceful ? eb.ref('public_key') : null,
                previous_expires_at,
              }
            case 'hmac':
              return {
                sealed_secret: credential.sealedSecret,
                previous_sealed_secret: graceful ? eb.ref('sealed_secret') : null,
                previous_expires_at,
              }
          }
        })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('credential', '=', credential.kind)
        .where(activeAt(now))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async recordUse(id, now, ip) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: now, last_used_ip: ip })
        .where('id', '=', id)
        .execute()
    },
  }
}
