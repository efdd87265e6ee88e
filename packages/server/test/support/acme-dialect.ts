import { Type } from '@sinclair/typebox'
import { Prefix } from '../../src/config-schema-kit.js'
import type { Address } from '../../src/core/ports.js'
import { defineDialect } from '../../src/http/dialects/define-dialect.js'
import { DIALECTS } from '../../src/http/dialects/registry.js'
import { requestContext } from '../../src/http/plugins/request-context.js'

/**
 * A venue that ships nowhere, declared the way a real one is: its own settings, SIWE binding,
 * error table (only the rows that differ), cookie, routes and a service of its own. It proves a
 * venue is one module: nothing outside this file names it.
 */
export const acmeDialect = defineDialect({
  id: 'acme',
  settings: Type.Object({
    prefix: Prefix('/acme', 'Mount point of the Acme dialect.'),
    siweDomain: Type.String({ default: 'trade.acme.example', description: 'Domain Acme wallets sign for.' }),
    chainIds: Type.Array(Type.Integer(), { default: [4242], description: 'Chains Acme messages may name.' }),
    greeting: Type.String({ default: 'gm', description: 'What its service says.' }),
  }),
  core: {
    siwe: (settings) => ({
      domain: settings.siweDomain,
      uri: `https://${settings.siweDomain}`,
      chainIds: settings.chainIds,
    }),
    services: (kit, settings) => ({ greet: () => `${settings.greeting} at ${kit.clock.now()}` }),
  },
  errors: {
    differences: {
      NONCE_USED: { code: 'ACME_REPLAY', status: 409 },
      CREDENTIAL_MISSING: { code: 'ACME_LOGIN_FIRST' },
    },
    render: (reply, error) =>
      reply
        .code(error.status)
        .send({ acme: { error: error.code, sigil: error.sigilCode, title: error.title } }),
  },
  cookies: () => [{ name: 'acme_sid', secure: true, sameSite: 'lax' }],
  async routes(app, { gateway, services }) {
    const siwe = gateway.signIn('acme')
    app.get('/nonce', { config: { auth: 'public', rateLimit: 'sign-in' } }, async () => ({
      nonce: (await siwe.issueNonce()).nonce,
    }))
    app.post<{ Body: { message: string; signature: string } }>(
      '/login',
      { config: { auth: 'public', rateLimit: 'sign-in' } },
      async (request) => {
        const issued = await siwe.signIn(request.body, requestContext(request))
        return { token: issued.accessToken, account: issued.account.address as Address }
      },
    )
    app.get('/whoami', { config: { auth: { scopes: ['read'] } } }, async (request) => ({
      account: request.identity!.accountId,
      hello: services.greet(),
    }))
  },
})

/** The shipped dialects plus Acme. */
export const REGISTRY_WITH_ACME = [...DIALECTS, acmeDialect]
