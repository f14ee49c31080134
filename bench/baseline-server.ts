import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

/**
 * The ceiling: a bare node:http server answering each URL with a JSON body computed before the
 * first request, so its cost per request is only Node's HTTP stack. Usage: FILE PORT, where FILE
 * holds `{ "<path?query>": <body text> }`. It prints its URL once listening.
 */
const [file, port] = process.argv.slice(2);
const bodies = new Map(Object.entries(JSON.parse(readFileSync(file!, 'utf8')) as Record<string, string>).map(([url, body]) => [url, Buffer.from(body)]));

const server = createServer((request, response) => {
  const body = bodies.get(request.url ?? '');
  if (!body) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': body.length });
  response.end(body);
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
