import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNodeServer, type NodeServer } from '../../src/http/node-server.js';

let running: NodeServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  vi.restoreAllMocks();
});

async function serve(app: Hono): Promise<string> {
  running = createNodeServer(app, { hostname: 'localhost', headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  const { server } = running;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the Node server takes the app's one error path", () => {
  it("answers a fault that escapes the app with the API's 500 and reports it, not as a malformed request", async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = new Hono();
    app.get('/', () => {
      // Not an Error: Hono hands it on to the server instead of to onError.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw 'a fault';
    });
    const response = await fetch(await serve(app));
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' });
    expect(reported).toHaveBeenCalledWith('customers-mock: unexpected error', 'a fault');
  });
});
