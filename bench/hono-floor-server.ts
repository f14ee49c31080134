import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The framework's floor: one Hono route on @hono/node-server (the stack the mock runs on), no
 * middleware, answering with the same precomputed bodies as the node:http baseline. The gap from
 * the baseline to this is Hono's; the gap from this to the mock is ours. Usage: FILE PORT.
 */
const [file, port] = process.argv.slice(2);
const bodies = new Map(Object.entries(JSON.parse(readFileSync(file!, 'utf8')) as Record<string, string>));

const app = new Hono();
app.get('*', (c) => {
  const path = c.req.url.slice(c.req.url.indexOf('/', 'http://'.length));
  const body = bodies.get(path);
  return body === undefined ? c.notFound() : c.body(body, 200, { 'Content-Type': 'application/json' });
});
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(port) }, () => process.stdout.write(`listening on http://127.0.0.1:${port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
