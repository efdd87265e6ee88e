import type { FastifyRequest } from 'fastify'

/**
 * Route-level `preValidation` for bodies whose every field is optional: a POST with no body at
 * all means `{}`, as clients (curl, fetch without a body) naturally send it.
 */
export async function bodyDefaultsToEmptyObject(request: FastifyRequest) {
  if (request.body === undefined) request.body = {}
}
