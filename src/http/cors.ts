import type { Context } from 'hono';
import { cors } from 'hono/cors';
import type { SpecModel } from '../openapi/index.js';
import { resolved } from '../openapi/operations.js';
import type { Step } from './pipeline.js';

/** How long a browser may cache a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for browser apps on the given origins (`*` for any). Methods, request headers and exposed
 * response headers are read from the OpenAPI document, so a header added there is allowed here.
 */
export function corsFor(origins: readonly string[], spec: SpecModel): Step {
  const document = spec.spec.dereferenced;
  const schemes = Object.values(document.components?.securitySchemes ?? {}).map((scheme) => resolved(scheme));
  const allowHeaders = new Set(['content-type']);
  for (const scheme of schemes) if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) allowHeaders.add(scheme.name.toLowerCase());
  const exposeHeaders = new Set<string>();
  const methods = new Set<string>();
  for (const operation of spec.operations) {
    methods.add(operation.method.toUpperCase());
    for (const parameter of operation.parameters) if (parameter.in === 'header') allowHeaders.add(parameter.name.toLowerCase());
    for (const response of Object.values(operation.responses)) for (const name of Object.keys(response.headers ?? {})) exposeHeaders.add(name);
  }
  // Typed as a step's context is: Hono's middleware type names the route's path type, which a step leaves open.
  const middleware: (c: Context, next: () => Promise<void>) => Promise<Response | void> = cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: [...methods],
    allowHeaders: [...allowHeaders],
    exposeHeaders: [...exposeHeaders],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
  // Hono's middleware wants a `next` that always returns a promise.
  return async (c, next) => middleware(c, async () => next());
}
