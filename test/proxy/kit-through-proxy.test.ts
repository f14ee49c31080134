import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudge } from '../../src/judge/index.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { startProxy, type RunningProxy } from '../../src/proxy/proxy.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { listeningMock } from '../support/mock.js';

// The contract kit's whole run, writes included, is traffic of every kind: every operation, every
// documented error, requests built to be refused. Through the proxy to the mock it must pass, and
// the proxy must find no documented rule broken by a response: the one judge, two doors, one verdict.
// Runs the built CLI of the kit (`npm run build` first).

let mock: ListeningMock;
let proxy: RunningProxy;

beforeAll(async () => {
  mock = await listeningMock({ ...CONTRACT_MOCK_CONFIG, count: 500 });
  proxy = await startProxy({ upstream: new URL(mock.url), upstreamTimeoutMs: 10_000, judge: createJudge(await getSpecModel()), host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

describe('the contract kit through the proxy', () => {
  it('passes, and the proxy finds no response breaking a documented rule in all it sent', async () => {
    const run = await runContractCli(proxy.url, { args: ['--allow-writes', '--seed', '1'] });
    expect(run.code, run.stdout).toBe(0);
    const report = proxy.report.toJSON();
    expect(report.requests).toBe(run.requests);
    expect(report.violations.filter((v) => v.side === 'response')).toEqual([]);
    expect(report.upstreamFailures).toEqual([]);
    // The kit's deliberate mistakes are the client's, and seen as such.
    expect(report.violations.map((v) => v.rule)).toEqual(expect.arrayContaining(['request.validation', 'auth.required']));
    expect(proxy.report.responsesBrokeDocumentedRule()).toBe(false);
  }, CONTRACT_RUN_TIMEOUT_MS);
});
