import type { AuthErrorCode } from '../core/errors.js'

/**
 * HTTP status and human title of every public error code of the native API. `satisfies` makes
 * the compiler refuse a new code until it is mapped here: no code can fall through to a 500.
 */
export const errorCatalog = {
  VALIDATION_FAILED: [400, 'The request does not match the schema'],
  PAYLOAD_TOO_LARGE: [413, 'The request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Send application/json'],
  NOT_FOUND: [404, 'No such route'],
  INVALID_SIWE_MESSAGE: [400, 'The message is not a valid EIP-4361 message'],
  AGENT_AUTHORIZATION_INVALID: [400, 'The agent-key authorization is not valid typed data for this server'],
  SIGNATURE_MALFORMED: [400, 'The signature is not 65 bytes of 0x-prefixed hex'],
  INVALID_SIGNATURE: [401, 'The signature does not prove control of the address'],
  SIGNATURE_NOT_CANONICAL: [401, 'The signature is not in canonical low-s form'],
  DOMAIN_MISMATCH: [401, 'The message is for another domain'],
  SCHEME_MISMATCH: [401, 'The message is for another scheme'],
  URI_MISMATCH: [401, 'The message is for another URI'],
  CHAIN_NOT_ALLOWED: [401, 'The chain id is not accepted here'],
  MESSAGE_EXPIRED: [401, 'The message has expired'],
  MESSAGE_NOT_YET_VALID: [401, 'The message is not valid yet'],
  ISSUED_AT_INVALID: [401, 'Issued At is in the future or too old'],
  NONCE_UNKNOWN: [401, 'The nonce was not issued here'],
  NONCE_USED: [401, 'The nonce has already been used'],
  NONCE_EXPIRED: [401, 'The nonce has expired'],
  NONCE_MISMATCH: [401, 'The nonce was issued to another address'],
  CREDENTIAL_MISSING: [401, 'This route needs a credential'],
  TOKEN_INVALID: [401, 'The access token is not valid'],
  TOKEN_EXPIRED: [401, 'The access token has expired'],
  SESSION_REVOKED: [401, 'The session has been revoked'],
  REFRESH_TOKEN_INVALID: [401, 'The refresh token is not valid'],
  REFRESH_TOKEN_EXPIRED: [401, 'The refresh token has expired'],
  REFRESH_TOKEN_REUSED: [401, 'The refresh token was already used; its session is revoked'],
  SCOPE_MISSING: [403, 'The credential lacks the scope this route needs'],
  CSRF_REJECTED: [403, 'Cross-site request refused: the Origin is not an allowed origin'],
  API_KEY_INVALID: [401, 'The API key is not valid'],
  API_KEY_EXPIRED: [401, 'The API key has expired'],
  API_KEY_REVOKED: [401, 'The API key has been revoked'],
  IP_NOT_ALLOWED: [403, "The client IP is not in the API key's allowlist"],
  // 403, not 451: nginx auth_request passes only 401/403 on (any other status of the verify
  // endpoint becomes a 500), and Paradex itself answers GEO_IP_BLOCK with 403. `code` tells it apart.
  GEO_BLOCKED: [403, 'Not available from your location'],
  // The verify endpoint: the configured routePolicy names the proxied request for no one. 403, as
  // nginx auth_request passes only 401/403 on.
  ROUTE_DENIED: [403, 'The route policy grants no access to this request'],
  FORWARDED_REQUEST_INVALID: [
    400,
    'The proxy did not state the original method and URI, or stated them malformed',
  ],
  INVITE_REQUIRED: [403, 'Redeem an invite code before trading'],
  INVITE_INVALID: [400, 'The invite code is unknown, expired or used up'],
  ACCOUNT_ALREADY_ACTIVE: [409, 'The account is already active'],
  SESSION_NOT_FOUND: [404, 'No such session'],
  API_KEY_NOT_FOUND: [404, 'No such API key'],
  API_KEY_LIMIT_REACHED: [409, 'The account has as many active API keys as it may'],
  CHANNEL_UNKNOWN: [400, 'Not a WebSocket channel of any enabled API'],
  CHANNEL_ACCOUNT_MISSING: [400, 'A private channel needs the accountId the message belongs to'],
  STARKNET_ADDRESS_INVALID: [400, 'The Starknet account is not a hex felt'],
  STARKNET_SIGNATURE_MALFORMED: [400, 'The Starknet signature is not ["r","s"]'],
  PUBLIC_KEY_INVALID: [400, 'The public key is not a stark key of this account'],
  NOT_ONBOARDED: [400, 'User has never called /onboarding endpoint'],
  TIMESTAMP_INVALID: [400, 'The timestamp or signature expiration is invalid'],
  SIGNATURE_REPLAYED: [401, 'This signed message has already been exchanged for a token'],
  RATE_LIMITED: [429, 'Too many requests'],
  UPSTREAM_UNAVAILABLE: [502, 'The upstream service could not be reached'],
  UPSTREAM_TIMEOUT: [504, 'The upstream service did not answer in time'],
  // A store Sigil needs (database, Redis) is down: retry later. Never a 401: nothing was refused.
  SERVICE_UNAVAILABLE: [503, 'A service Sigil depends on is unavailable; retry shortly'],
  CHAIN_UNAVAILABLE: [
    503,
    'The chain node that checks contract-wallet signatures is unavailable; retry shortly',
  ],
  INTERNAL_ERROR: [500, 'Internal error'],
} as const satisfies Record<AuthErrorCode, readonly [number, string]>
