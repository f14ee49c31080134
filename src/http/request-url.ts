import type { Context } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    requestUrl: URL;
  }
}

/**
 * What the Node server in front of the app passes along with each request: the URL it already
 * parsed to refuse a malformed one, so the app does not parse it a second time, and that its HTTP
 * parser frames bodies (see readBodyText).
 */
export interface ParsedRequestEnv {
  requestUrl?: URL;
  framedBody?: boolean;
}

/** The request's URL, parsed once per request however many steps read it. */
export function requestUrl(c: Context): URL {
  let url = (c.env as ParsedRequestEnv | undefined)?.requestUrl ?? c.get('requestUrl');
  if (url === undefined) {
    url = new URL(c.req.url);
    c.set('requestUrl', url);
  }
  return url;
}
