export {
  type CookieSignIn,
  createSigilClient,
  type SigilClient,
  type SigilClientOptions,
  type SignInOptions,
  type TokenSignIn,
} from './create-sigil-client.js'
export {
  type ClientErrorCode,
  isSigilError,
  type ServerErrorCode,
  SigilError,
  type SigilErrorCode,
  type SigilErrorInit,
} from './errors.js'
export type {
  Eip1193Provider,
  EthereumAccount,
  EthereumSigner,
  EthereumWalletClient,
} from './ethereum-signer.js'
export type { FetchLike } from './http.js'
export type { RequestToSign, SigilRequestSigner } from './request-signer.js'
export {
  createSigilSocket,
  type SigilSocket,
  type SigilSocketEvents,
  type SigilSocketOptions,
  type SigilSocketSource,
  type SigilSocketState,
  type SocketAuthResult,
  type SocketEnd,
  type Unsubscribe,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket.js'
export { memoryStorage, type StoredTokens, type TokenStorage } from './storage.js'
export type {
  AccountRef,
  Address,
  ApiKey,
  ApiKeyScope,
  ApiKeyWithSecret,
  AuditEvent,
  CreateApiKeyInput,
  CreateHmacApiKeyInput,
  HmacApiKey,
  Me,
  NonceResponse,
  PublicSigningJwk,
  RegisterPublicKeyInput,
  RotateApiKeyInput,
  RotatePublicKeyInput,
  Session,
  SessionCookieResponse,
  SigningApiKey,
  TokenResponse,
} from './types.js'
