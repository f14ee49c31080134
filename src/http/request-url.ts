import type { Context } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    requestUrl: URL;
  }
}

/** The request's URL, parsed once per request however many middlewares read it. */
export function requestUrl(c: Context): URL {
  let url = c.get('requestUrl');
  if (url === undefined) {
    url = new URL(c.req.url);
    c.set('requestUrl', url);
  }
  return url;
}
