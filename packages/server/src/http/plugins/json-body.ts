import type { FastifyInstance } from 'fastify'

/**
 * JSON bodies, with one leniency real clients need: `Content-Type: application/json` and no body
 * at all (EVEDEX's SDK posts its refresh that way; others do it on DELETE) is "no body", not a
 * 400. Everything else goes through Fastify's own parser (prototype-poisoning protection on).
 */
export function registerJsonBody(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined)
    else parseJson(request, body as string, done)
  })
}
