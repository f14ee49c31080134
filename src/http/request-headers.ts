import type { Context } from 'hono';

/**
 * The request's headers by lower-cased name. Served through @hono/node-server they are Node's own
 * parsed headers: asking Hono for them builds a fetch `Headers` object on every request, which
 * costs a list request more than its auth, validation and store work together. Both join a
 * repeated custom header with ", "; they differ only in Node keeping the first of a repeated
 * standard header (Host, User-Agent...), which nothing here reads. In process (`app.request`,
 * no Node request) Hono's are used.
 */
export function requestHeaders(c: Context): Readonly<Record<string, string | undefined>> {
  // Only set-cookie is an array in Node's record, and requests do not carry it. The type is
  // spelled out rather than imported from node:http, so the in-process path names no Node module.
  const incoming = (c.env as { incoming?: { headers: Record<string, string | undefined> } } | undefined)?.incoming;
  return incoming ? incoming.headers : c.req.header();
}
