import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UNANSWERED_LIMIT } from '../../src/contract-kit/kit.js';
import { CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const HUGE_BODY_BYTES = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * Broken servers the kit may be pointed at; each should make it fail clearly and quickly. Only the
 * one that hangs gets a short `--timeout-ms`: elsewhere it would let a loaded machine turn a slow
 * answer into another failure than the one under test.
 */
const HOSTILE: readonly { name: string; handler: Handler; reported: RegExp; args?: readonly string[] }[] = [
  { name: 'hangs without answering', handler: () => {}, reported: /no complete response within 1000 ms/, args: ['--timeout-ms', '1000'] },
  { name: 'closes the connection', handler: (req) => req.socket.destroy(), reported: /connection failed/ },
  {
    name: 'answers with an HTML page',
    handler: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Welcome to nginx!</h1>'),
    reported: /content-type is text\/html, expected application\/json/,
  },
  {
    name: 'answers 500 to everything',
    handler: (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500,"message":"Internal server error","error":"Internal Server Error"}'),
    // The document allows any operation a 5XX error body, so the report says what was due instead.
    reported: /expected: status 200 as the document says\n\s+got:\s+500 /,
  },
  {
    name: 'streams a huge body',
    handler: (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_BODY_BYTES && !res.destroyed) {
          sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', pump);
        }
        res.end();
      };
      req.on('close', () => res.destroy());
      pump();
    },
    reported: /response body passed the \d+-byte limit/,
  },
];

/**
 * The CLI's preflight gets JSON answers, and the server breaks from then on: a server broken from
 * the start is diagnosed in one headline before any check runs (test/e2e/contract-preflight.test.ts);
 * this is about checks meeting a server that breaks under them. The preflight tries up to
 * UNANSWERED_LIMIT times when an answer is late (a loaded machine), so that many are answered.
 */
function afterAnsweredPreflight(hostile: Handler): Handler {
  let answered = 0;
  return (req, res) => {
    if (answered >= UNANSWERED_LIMIT) return hostile(req, res);
    answered++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
}

async function listen(handler: Handler): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.concurrent('the contract kit against hostile or broken servers', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it.each(HOSTILE.map((h) => [h.name, h] as const))('a server that %s: clear failures, in time, no crash', async (_name, hostile) => {
    const server = await listen(afterAnsweredPreflight(hostile.handler));
    try {
      const run = await runContractCli(server.url, { args: hostile.args ?? [], limitMs: 90_000 });
      expect(run.killed, 'the run had to be killed: it hung').toBe(false);
      expect(run.code).toBe(1);
      // The reporter got to the end: a verdict, not a crash.
      expect(run.stdout).toMatch(/Contract FAILED \(profile documented, seed \d+\): 0 passed, \d+ failed/);
      expect(run.stdout).toMatch(hostile.reported);
      expect(run.stdout).not.toMatch(/ERROR \(unhandled\)/);
      expect(run.stderr).toBe('');
    } finally {
      await server.close();
    }
  });
});
