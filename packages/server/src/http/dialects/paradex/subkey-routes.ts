import { type Static, Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthError } from '../../../core/errors.js'
import type { Identity } from '../../../core/identity.js'
import type { ParadexSubkey } from '../../../core/ports.js'
import type { ParadexContext } from './settings.js'

const tags = ['paradex']
/** Paradex's `BearerToken`: the main key's JWT. */
const security = [{ bearer: [] }]
/** Only a JWT the account's main key signed for holds `keys` (a subkey's never does). */
const manage = { auth: { scopes: ['keys'] } } as const

const PublicKeyParams = Type.Object({ publicKey: Type.String({ maxLength: 100 }) })
type PublicKeyParams = Static<typeof PublicKeyParams>
/** A query flag as clients spell it (httpx sends Python's True as `true`). */
const Flag = Type.Optional(Type.String({ pattern: '^(true|false|True|False|1|0)$' }))
const isSet = (flag: string | undefined) => flag === 'true' || flag === 'True' || flag === '1'
const ListQuery = Type.Object(
  // The OpenAPI names it `with_revoked`; paradex-py's docstring `include_revoked`.
  { with_revoked: Flag, include_revoked: Flag },
  { additionalProperties: true },
)
/**
 * `requests.CreateSubkey`. `state: "pending"` (an encrypted key a device activates later) and
 * `allowed_cidrs` are Paradex features Sigil does not have: refused rather than ignored. The
 * main-key `signature` fields are accepted and not checked: the main key's JWT authorizes.
 */
const CreateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    public_key: Type.Optional(Type.String({ maxLength: 100 })),
    state: Type.Optional(Type.String({ maxLength: 20 })),
    allowed_cidrs: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 })),
  },
  { additionalProperties: true },
)
const RenameBody = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: true },
)

const NS_PER_MS = 1_000_000

/** `responses.Subkey`; times in nanoseconds, `revoked_at` 0 while active. No internal id. */
const subkeyJson = (subkey: ParadexSubkey) => ({
  account_id: subkey.accountId,
  name: subkey.name,
  public_key: subkey.publicKey,
  state: subkey.revokedAt === undefined ? 'active' : 'revoked',
  allowed_cidrs: [],
  created_at: subkey.createdAt * NS_PER_MS,
  updated_at: subkey.updatedAt * NS_PER_MS,
  revoked_at: (subkey.revokedAt ?? 0) * NS_PER_MS,
})

const unsupported = (what: string, detail: string) =>
  new AuthError('VALIDATION_FAILED', `${what} is not supported`, { detail })

/** The route's `keys` scope guarantees an identity; the services check who it is again. */
const caller = (request: FastifyRequest): Identity => request.identity!

/**
 * Paradex subkeys (Paradex §7; docs/paradex-subkeys.md): `/v1/account/keys/subkeys…`, every route
 * Paradex has there, so that none falls through to a reverse-proxy upstream.
 */
export async function paradexSubkeyRoutes(app: FastifyInstance, { services }: ParadexContext) {
  const { subkeys } = services
  const base = '/v1/account/keys/subkeys'

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    base,
    { config: manage, schema: { tags, security, querystring: ListQuery } },
    async (request) => {
      const withRevoked = isSet(request.query.with_revoked) || isSet(request.query.include_revoked)
      return { results: (await subkeys.list(caller(request), withRevoked)).map(subkeyJson) }
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    base,
    { config: manage, schema: { tags, security, body: CreateBody } },
    async (request, reply) => {
      const { name, public_key, state, allowed_cidrs } = request.body
      if (state !== undefined && state !== 'active') throw unsupported('a pending subkey', 'state')
      if (allowed_cidrs?.length) throw unsupported('a subkey IP allowlist', 'allowed_cidrs')
      await subkeys.register(caller(request), { name, publicKey: public_key })
      // Paradex: 201, "an empty response" (paradex-py ignores the body).
      return reply.code(201).send()
    },
  )

  // Before the `:publicKey` routes' methods matter: a static segment wins in find-my-way anyway.
  app.post(`${base}/activate`, { config: manage, schema: { tags, security } }, async (request) => {
    await subkeys.list(caller(request), false) // the key-manager check, SUBKEY_FORBIDDEN first
    throw unsupported('activating a pending subkey', 'activate')
  })

  app.get<{ Params: PublicKeyParams }>(
    `${base}/:publicKey`,
    { config: manage, schema: { tags, security, params: PublicKeyParams } },
    async (request) => subkeyJson(await subkeys.get(caller(request), request.params.publicKey)),
  )

  app.put<{ Params: PublicKeyParams; Body: Static<typeof RenameBody> }>(
    `${base}/:publicKey`,
    { config: manage, schema: { tags, security, params: PublicKeyParams, body: RenameBody } },
    async (request) =>
      subkeyJson(await subkeys.rename(caller(request), request.params.publicKey, request.body.name)),
  )

  app.delete<{ Params: PublicKeyParams }>(
    `${base}/:publicKey`,
    { config: manage, schema: { tags, security, params: PublicKeyParams } },
    async (request) => {
      const revoked = await subkeys.revoke(caller(request), request.params.publicKey)
      return { public_key: revoked.publicKey }
    },
  )

  app.put<{ Params: PublicKeyParams }>(
    `${base}/:publicKey/allowed-cidrs`,
    { config: manage, schema: { tags, security, params: PublicKeyParams } },
    async (request) => {
      await subkeys.get(caller(request), request.params.publicKey)
      throw unsupported('a subkey IP allowlist', 'allowed_cidrs')
    },
  )
}
