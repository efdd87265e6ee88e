import { Type } from '@sinclair/typebox'
import { Seconds } from '../config-schema-kit.js'
import { ACCESS_VALUES } from '../core/policy/route-policy.js'

/**
 * What the gateway lets through: the verify endpoint's route policy and assertion, the reverse
 * proxy, geo blocking.
 * One group of BaseConfigSchema (config-schema.ts), which keeps the groups in this order.
 */
export const gatewaySettings = {
  routePolicy: Type.Optional(
    Type.Array(
      Type.Object(
        {
          methods: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          path: Type.String({ minLength: 1 }),
          access: Type.Union(ACCESS_VALUES.map((access) => Type.Literal(access))),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'Verify endpoint (/v1/verify): rules {methods?, path, access} deciding what a proxied request needs (public, read, trade, session, deny); the first match wins, unnamed paths are denied. Unset: GET/HEAD/OPTIONS need read, other methods trade. Env: JSON text.',
      },
    ),
  ),
  verifyAssertionAudience: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Verify endpoint: when set, a 200 also carries X-Sigil-Assertion, a JWT of 10 s signed with the JWKS key, with this aud (the upstream).',
    }),
  ),
  upstreamUrl: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Reverse-proxy mode: requests Sigil does not serve itself that routePolicy allows go to this backend, with the identity headers (http(s) URL, no credentials, query or fragment).',
    }),
  ),
  upstreamTimeoutSeconds: Seconds(
    10,
    'Reverse-proxy mode: longest wait for the upstream to connect, to start its answer, and between body chunks.',
  ),
  geoBlockedCountries: Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), {
    default: [],
    uniqueItems: true,
    description:
      'ISO 3166-1 alpha-2 codes refused sign-in and authenticated routes (empty: geo blocking off).',
  }),
  geoBlockUnknown: Type.Boolean({
    default: false,
    description: 'Refuse clients whose country no source can tell, as if their country were blocked.',
  }),
  geoCountryHeader: Type.Optional(
    Type.String({
      pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$",
      description:
        'Header a trusted front proxy sets to the client country (cf-ipcountry, X-Country-Code); believed only from trustedProxies.',
    }),
  ),
  geoIpDatabase: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'CSV of IP ranges to countries (start_ip,end_ip,country: db-ip or ip2location lite), read at start.',
    }),
  ),
}
