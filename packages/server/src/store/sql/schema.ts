import type { Generated } from 'kysely'

/** Row shapes shared by every SQL dialect. Times are epoch milliseconds. */
export interface AccountRow {
  id: string
  /** Lower-case hex of the 20 address bytes: the unique key, so case variants never duplicate. */
  address_key: string
  /** EIP-55 form, for display. */
  address: string
  status: string
  created_at: number
}

export interface StarknetAccountRow {
  /** Canonical felt hex of the Starknet account address: the key. */
  account: string
  public_key: string
  eth_address: string | null
  account_id: string
  created_at: number
  signer_type: string
}

export interface SignatureUseRow {
  key: string
  expires_at: number
}

export interface IsolatedAccountRow {
  account: string
  parent_account_id: string
  market: string
  created_at: number
}

export interface ChallengeRow {
  nonce: string
  purpose: string
  address: string | null
  created_at: number
  expires_at: number
  used_at: number | null
}

export interface SessionRow {
  id: string
  account_id: string
  kind: string
  created_at: number
  expires_at: number
  last_used_at: number
  revoked_at: number | null
  ip: string | null
  user_agent: string | null
  secret_hash: Uint8Array | null
  /** JSON of a ContractWalletCheck (contract-wallet sessions only); null for ordinary wallets. */
  wallet_check: string | null
}

export interface RefreshTokenRow {
  id: string
  session_id: string
  secret_hash: Uint8Array
  created_at: number
  expires_at: number
  used_at: number | null
  /** The successor's token, AES-GCM sealed under a key derived from this token's secret (reuse interval only). */
  successor_sealed: Uint8Array | null
}

export interface SigningKeyRow {
  kid: string
  alg: string
  public_jwk: string
  private_jwk: string
  created_at: number
  retired_at: number | null
  /** When it starts signing (a scheduled rotation); null: from its creation. */
  activates_at: number | null
  seq: Generated<number>
}

export interface ApiKeyRow {
  id: string
  account_id: string
  name: string
  scope: string
  secret_hash: Uint8Array
  previous_secret_hash: Uint8Array | null
  previous_expires_at: number | null
  secret_tail: string
  /** JSON array of normalised addresses and CIDR ranges. */
  allowed_ips: string
  created_at: number
  expires_at: number | null
  revoked_at: number | null
  last_used_at: number | null
  last_used_ip: string | null
  /** `secret` or `public-key` (ApiKeyCredential's kind); defaults to `secret` for rows before 0010. */
  credential: Generated<string>
  /** The public JWK (JSON, public members only) of a `public-key` key. */
  public_key: string | null
  previous_public_key: string | null
  /** An `hmac` key's shared secret, sealed under the master key (core/api-keys/hmac-secret.ts). */
  sealed_secret: Uint8Array | null
  previous_sealed_secret: Uint8Array | null
}

export interface InviteRow {
  code_hash: Uint8Array
  max_uses: number
  uses: number
  created_at: number
  expires_at: number | null
}

export interface AuditEventRow {
  id: Generated<number>
  at: number
  type: string
  account_id: string | null
  ip: string | null
  /** JSON object of non-secret facts. */
  detail: string | null
}

export interface Database {
  accounts: AccountRow
  starknet_accounts: StarknetAccountRow
  signature_uses: SignatureUseRow
  isolated_accounts: IsolatedAccountRow
  challenges: ChallengeRow
  sessions: SessionRow
  refresh_tokens: RefreshTokenRow
  signing_keys: SigningKeyRow
  api_keys: ApiKeyRow
  invites: InviteRow
  audit_events: AuditEventRow
}
