import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  sql,
} from 'kysely'

/** The SQL databases Sigil's stores run on. */
export type SqlDialectName = 'sqlite' | 'postgres'

/**
 * What differs between the dialects' DDL. SQLite's entries are what these migrations have always
 * said (an existing SQLite database has run them; its statements must not change by a byte).
 */
interface DdlTypes {
  /** Bytes: SQLite `blob`, PostgreSQL `bytea`. */
  bytes: 'blob' | 'bytea'
  /** The type of a generated, increasing integer key. */
  serialType: 'integer' | 'bigint'
  /** Makes a column that generated key: SQLite `primary key autoincrement`, PostgreSQL an identity. */
  serial(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder
}

const DDL: Record<SqlDialectName, DdlTypes> = {
  sqlite: { bytes: 'blob', serialType: 'integer', serial: (c) => c.primaryKey().autoIncrement() },
  postgres: {
    bytes: 'bytea',
    serialType: 'bigint',
    serial: (c) => c.primaryKey().generatedAlwaysAsIdentity(),
  },
}

/**
 * Schema history, in code so that a single `npm ci` ships it. SQLite applies it at every start;
 * PostgreSQL through `sigil migrate` (a server checks it and refuses to start on another version).
 * Names are the history: never rename, reorder or edit one that shipped; add the next.
 */
const migrationsFor = ({ bytes, serialType, serial }: DdlTypes): Record<string, Migration> => ({
  '0001_foundation': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('address_key', 'text', (c) => c.notNull().unique())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('challenges')
        .addColumn('nonce', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute()
      await db.schema.createIndex('challenges_expires_at').on('challenges').column('expires_at').execute()
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute()
      await db.schema.createIndex('sessions_account_id').on('sessions').column('account_id').execute()
      await db.schema.createIndex('sessions_revoked_at').on('sessions').column('revoked_at').execute()
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
        .addColumn('secret_hash', bytes, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .execute()
      await db.schema
        .createIndex('refresh_tokens_session_id')
        .on('refresh_tokens')
        .column('session_id')
        .execute()
      await db.schema
        .createTable('signing_keys')
        .addColumn('seq', serialType, serial)
        .addColumn('kid', 'text', (c) => c.notNull().unique())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .execute()
    },
  },
  '0002_credentials': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('accounts')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute()
      await db.schema.alterTable('sessions').addColumn('secret_hash', bytes).execute()
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('secret_hash', bytes, (c) => c.notNull())
        .addColumn('previous_secret_hash', bytes)
        .addColumn('previous_expires_at', 'bigint')
        .addColumn('secret_tail', 'text', (c) => c.notNull())
        .addColumn('allowed_ips', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('last_used_ip', 'text')
        .execute()
      await db.schema.createIndex('api_keys_account_id').on('api_keys').column('account_id').execute()
      await db.schema
        .createTable('invites')
        .addColumn('code_hash', bytes, (c) => c.primaryKey())
        .addColumn('max_uses', 'integer', (c) => c.notNull())
        .addColumn('uses', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .execute()
      await db.schema
        .createTable('audit_events')
        .addColumn('id', serialType, serial)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('detail', 'text')
        .execute()
      await db.schema
        .createIndex('audit_events_account_at')
        .on('audit_events')
        .columns(['account_id', 'at'])
        .execute()
      await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute()
    },
  },
  '0003_starknet_accounts': {
    async up(db: Kysely<unknown>) {
      // One row per onboarded Starknet account; its Sigil account row has the same id.
      await db.schema
        .createTable('starknet_accounts')
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('eth_address', 'text')
        .addColumn('account_id', 'text', (c) => c.notNull().unique().references('accounts.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
  '0004_paradex_evm_signers': {
    async up(db: Kysely<unknown>) {
      // `starknet`: public_key is the stark key; `eip191`: it is the signer's Ethereum address.
      await db.schema
        .alterTable('starknet_accounts')
        .addColumn('signer_type', 'text', (c) => c.notNull().defaultTo('starknet'))
        .execute()
    },
  },
  '0005_signature_uses': {
    async up(db: Kysely<unknown>) {
      // Paradex strictReplay: each signed message may mint one token until it expires.
      await db.schema
        .createTable('signature_uses')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('signature_uses_expires_at')
        .on('signature_uses')
        .column('expires_at')
        .execute()
    },
  },
  '0006_isolated_accounts': {
    async up(db: Kysely<unknown>) {
      // An isolated-market account belongs to exactly one main account.
      await db.schema
        .createTable('isolated_accounts')
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('parent_account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('market', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('isolated_accounts_parent')
        .on('isolated_accounts')
        .column('parent_account_id')
        .execute()
    },
  },
  '0007_starknet_display_address': {
    async up(db: Kysely<unknown>) {
      // Before this, a Stark-key account displayed the unsigned PARADEX-ETHEREUM-ACCOUNT of its
      // onboarding as its wallet; it now displays its own Starknet address (the account id).
      await sql`update accounts set address = id where id in (select account from starknet_accounts where signer_type = 'starknet') and address <> id`.execute(
        db,
      )
    },
  },
  '0008_session_wallet_check': {
    async up(db: Kysely<unknown>) {
      // A contract wallet's sign-in proof (JSON: chain id, address, message hash, signature), for
      // re-checks at refresh; null for ordinary wallets. Public data: see ContractWalletCheck.
      await db.schema.alterTable('sessions').addColumn('wallet_check', 'text').execute()
    },
  },
  '0009_sweep_indexes_refresh_reuse_key_schedule': {
    async up(db: Kysely<unknown>) {
      // The periodic sweeps delete by expiry: without these they scan whole tables
      // (audit_events.at is indexed since 0002, for the retention sweep and `sigil audit --since`).
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute()
      await db.schema
        .createIndex('refresh_tokens_expires_at')
        .on('refresh_tokens')
        .column('expires_at')
        .execute()
      // refreshReuseIntervalSeconds: a rotated token's successor, sealed under a key only the old
      // token's secret derives (core/sessions/successor-seal.ts); cleared once the interval is over.
      await db.schema.alterTable('refresh_tokens').addColumn('successor_sealed', bytes).execute()
      await db.schema
        .createIndex('refresh_tokens_sealed_used_at')
        .on('refresh_tokens')
        .column('used_at')
        .where(sql.ref('successor_sealed'), 'is not', null)
        .execute()
      // A scheduled key is published before it signs: it signs from activates_at (null: from creation).
      await db.schema.alterTable('signing_keys').addColumn('activates_at', 'bigint').execute()
    },
  },
  '0010_public_key_api_keys': {
    async up(db: Kysely<unknown>) {
      // Signed-request keys (RFC 9421): the key's credential is a public JWK instead of a secret's
      // hash. `credential` says which; a public-key row keeps secret_hash empty and secret_tail ''
      // (those columns are NOT NULL since 0002, and SQLite cannot drop that without a table copy).
      // A rotation in its grace period keeps the replaced public key in previous_public_key. An
      // `hmac` key (hmacSignedRequests) keeps its shared secret sealed under the master key.
      await db.schema
        .alterTable('api_keys')
        .addColumn('credential', 'text', (c) => c.notNull().defaultTo('secret'))
        .execute()
      await db.schema.alterTable('api_keys').addColumn('public_key', 'text').execute()
      await db.schema.alterTable('api_keys').addColumn('previous_public_key', 'text').execute()
      await db.schema.alterTable('api_keys').addColumn('sealed_secret', bytes).execute()
      await db.schema.alterTable('api_keys').addColumn('previous_sealed_secret', bytes).execute()
    },
  },
})

/** The migrations as `dialect` runs them: the same names and steps, that dialect's column types. */
export function migrationProvider(dialect: SqlDialectName): MigrationProvider {
  const migrations = migrationsFor(DDL[dialect])
  return { getMigrations: async () => migrations }
}

/** The names of every migration this code knows, in order. */
export const migrationNames = (): string[] => Object.keys(migrationsFor(DDL.sqlite)).sort()
