export {
  AGENT_AUTHORIZATION_TYPE,
  AGENT_DOMAIN_NAME_DEFAULT,
  AGENT_DOMAIN_TYPE,
  AGENT_DOMAIN_VERSION,
  AGENT_KEY_SCOPES,
  AGENT_REVOCATION_TYPE,
  type AgentAuthorization,
  type AgentDomain,
  type AgentKeyScope,
  type AgentRevocation,
  agentAuthorizationTypedData,
  agentDomainSeparator,
  agentRevocationTypedData,
  hashAgentAuthorization,
  hashAgentRevocation,
} from './agent-typed-data.js'
export { encodeType, type FlatMember, hashFlatStruct, typedDataDigest } from './eip712-flat-struct.js'
export { jwkThumbprint, type ThumbprintJwk } from './jwk-thumbprint.js'
export {
  type AgentMessageParseReason,
  parseAgentAuthorization,
  parseAgentRevocation,
} from './parse-agent-messages.js'
export {
  type AgentMessageExpectations,
  type AgentMessageValidationReason,
  validateAgentAuthorization,
  validateAgentRevocation,
} from './validate-agent-messages.js'
