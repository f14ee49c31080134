import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningMock } from '../../src/node-mock.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli, type ContractRunOptions } from '../support/contract-cli.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';

interface Cause {
  readonly name: string;
  /** The base URL that shows the cause, and the arguments to send with it. */
  readonly target: () => string;
  readonly options?: ContractRunOptions;
  readonly headline: RegExp;
  /** What the server at the target saw, when one listens there (none for a refused port or DNS). */
  readonly traffic?: () => Traffic;
}

/** Connections a server accepted and requests it parsed: what a run sent it, counted as it arrives. */
class Traffic {
  connections = 0;
  requests = 0;

  constructor(server: Server) {
    server.on('connection', () => this.connections++);
    server.on('request', () => this.requests++);
  }

  reset(): void {
    this.connections = 0;
    this.requests = 0;
  }
}

let mock: ListeningMock;
let mockTraffic: Traffic;
let workDir: string;
const servers: Server[] = [];

async function serve(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const html: RequestListener = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1>Welcome to nginx!</h1>');

let refusedUrl = '';
let htmlUrl = '';
let plainHttpUrl = '';
let selfSignedUrl = '';
let htmlTraffic: Traffic;
let plainHttpTraffic: Traffic;
let selfSignedTraffic: Traffic;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'contract-preflight-'));
  mock = await listeningMock({ ...CONTRACT_MOCK_CONFIG, count: 20 });
  mockTraffic = new Traffic(mock.server);
  refusedUrl = `http://127.0.0.1:${await closedPort()}`;
  const htmlServer = createServer(html);
  htmlTraffic = new Traffic(htmlServer);
  htmlUrl = `http://${await serve(htmlServer)}`;
  const plainHttpServer = createServer(html);
  plainHttpTraffic = new Traffic(plainHttpServer);
  plainHttpUrl = `https://${await serve(plainHttpServer)}`;
  // A certificate no one vouches for, as a staging server with a private CA presents it.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', join(workDir, 'key.pem'), '-out', join(workDir, 'cert.pem')], { stdio: 'ignore' });
  const tls = createTlsServer({ key: readFileSync(join(workDir, 'key.pem')), cert: readFileSync(join(workDir, 'cert.pem')) }, html);
  selfSignedTraffic = new Traffic(tls);
  selfSignedUrl = `https://${await serve(tls)}`;
});

afterAll(async () => {
  for (const server of servers) server.close();
  await mock?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const wrongSecret = { credentials: false, args: ['--client-key', CREDENTIALS['x-client-key'], '--client-secret', 'not-the-secret'] } as const;

const CAUSES: readonly Cause[] = [
  { name: 'credentials rejected', target: () => mock.url, options: wrongSecret, headline: /rejected the credentials \(401\)\. Check --client-key and --client-secret/, traffic: () => mockTraffic },
  { name: 'connection refused', target: () => refusedUrl, headline: /connection refused: nothing listens on 127\.0\.0\.1:\d+\. Check the host and port in --base-url/ },
  { name: 'DNS', target: () => 'http://customers-api.invalid', headline: /the host name customers-api\.invalid does not resolve \(DNS: \w+\)\. Check the host in --base-url/ },
  {
    name: 'TLS: https to a server that speaks plain HTTP',
    target: () => plainHttpUrl,
    headline: /TLS with 127\.0\.0\.1:\d+ failed \(\w+\): the server does not speak TLS on that port: use http:\/\/ in --base-url/,
    traffic: () => plainHttpTraffic,
  },
  {
    name: 'TLS: a certificate nobody vouches for',
    target: () => selfSignedUrl,
    headline: /TLS with 127\.0\.0\.1:\d+ failed \(DEPTH_ZERO_SELF_SIGNED_CERT\): check the host in --base-url, or trust .*NODE_EXTRA_CA_CERTS/,
    traffic: () => selfSignedTraffic,
  },
  { name: 'a base URL whose path 404s', target: () => `${mock.url}/v2`, headline: /no Customers API at http:\/\/127\.0\.0\.1:\d+\/v2\/api\/v0\/customers \(404\)\. Check --base-url: .*its path \/v2 may be wrong/, traffic: () => mockTraffic },
  { name: 'a base URL that already holds the API path', target: () => `${mock.url}/api/v0/customers`, headline: /\(404\)\. Check --base-url: drop \/api\/v0\/customers from --base-url/, traffic: () => mockTraffic },
  { name: 'a body that is not JSON', target: () => htmlUrl, headline: /answered 200 with text\/html, not JSON: .*Check --base-url/, traffic: () => htmlTraffic },
];

/**
 * "Within seconds", proved by events rather than a stopwatch (a loaded machine would blur one): the
 * run ends by itself (never killed at its limit) after one connection and at most one request, so
 * it neither went on to the checks nor retried into timeouts. The refused port and the unknown host
 * have no server to count at; their headlines are the causes that one attempt proves.
 * One after another, since the servers' counts are shared.
 */
describe('the contract CLI diagnoses a run that cannot work before it reports', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it.each(CAUSES.map((c) => [c.name, c] as const))('%s: one headline naming the flag, exit 1, after its first request', async (_name, cause) => {
    const traffic = cause.traffic?.();
    traffic?.reset();
    const run = await runContractCli(cause.target(), cause.options);
    expect(run.killed, 'the run had to be killed at its limit').toBe(false);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const headlines = run.stdout.split('\n').filter((line) => line.startsWith('Contract FAILED'));
    expect(headlines).toHaveLength(1);
    expect(headlines[0]).toMatch(/^Contract FAILED before any check: /);
    expect(headlines[0]).toMatch(cause.headline);
    // No cascade: no check ran, so none can repeat the cause.
    expect(run.failed).toEqual([]);
    expect(run.stdout.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(run.stdout).not.toContain('not-the-secret');
    expect(run.stderr).toBe('');
    if (traffic) {
      expect(traffic.connections, 'connections the run opened').toBe(1);
      expect(traffic.requests, 'requests the server read (none when TLS failed first)').toBeLessThanOrEqual(1);
    }
  });

  it('writes the headline into the JUnit report, at a relative path taken from the caller, printed absolute', async () => {
    const caller = mkdtempSync(join(workDir, 'caller-'));
    const run = await runContractCli(mock.url, { ...wrongSecret, args: [...wrongSecret.args, '--junit', 'reports/contract-junit.xml'], cwd: caller });
    expect(run.code).toBe(1);
    const report = join(caller, 'reports', 'contract-junit.xml');
    expect(run.stdout).toContain(`JUnit report: ${report}\n`);
    const xml = readFileSync(report, 'utf8');
    expect(xml).toMatch(/<testsuites name="contract \(profile documented\)" tests="1" failures="1"/);
    expect(xml).toMatch(/<failure message="the server rejected the credentials \(401\)\. Check --client-key and --client-secret/);
  });
});

describe('a relative --junit path from another working directory', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it('lands in that directory, not in the package, and is printed absolute', async () => {
    const caller = mkdtempSync(join(workDir, 'caller-'));
    const run = await runContractCli(mock.url, { args: ['--junit', 'contract-junit.xml'], cwd: caller });
    expect(run.code, run.stdout).toBe(0);
    const report = join(caller, 'contract-junit.xml');
    expect(run.stdout).toContain(`JUnit report: ${report}\n`);
    expect(readFileSync(report, 'utf8')).toMatch(/<testsuites name="contract \(profile documented\)" tests="\d+" failures="0"/);
    expect(existsSync(join(import.meta.dirname, '..', '..', 'contract-junit.xml'))).toBe(false);
  });
});
