import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/openapi/index.js';
import { servedDocument } from '../../src/http/docs.js';
import { rulesOf, withRulesInDescriptions } from '../../src/openapi/rules.js';
import { inProcessMock, listeningMock, type InProcessMock } from '../support/mock.js';

describe('the API reference and the document, served beside the API', () => {
  let mock: InProcessMock;
  beforeAll(async () => {
    mock = await inProcessMock({ rateLimit: 1 });
  });

  it('serves the document as written, $refs intact, its rules in the descriptions, with its own address as the first server', async () => {
    const { raw } = loadSpec();
    const running = await listeningMock();
    let res;
    try {
      const response = await fetch(`${running.url}/openapi.json`);
      res = { status: response.status, headers: response.headers, body: (await response.json()) as { servers: { url: string }[]; [key: string]: unknown } };
    } finally {
      await running.close();
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.servers[0]?.url).toBe(running.url);
    expect(res.body.servers.slice(1)).toEqual(raw.servers);
    const { servers: _served, ...rest } = res.body;
    const { servers: _written, ...written } = withRulesInDescriptions(raw);
    expect(rest).toEqual(JSON.parse(JSON.stringify(written)));
    expect(JSON.stringify(res.body)).toContain('"$ref":"#/components/schemas/CustomerList"');
  });

  it('shows each operation its rules (written on it or on the parameters it uses), and the rules of every operation once, in the introduction', async () => {
    const served = (await mock.request('GET', '/openapi.json', { auth: false })).body as { info: { description: string }; paths: Record<string, Record<string, { operationId: string; description: string }>> };
    const rules = rulesOf(loadSpec().raw);
    const operations = Object.values(served.paths).flatMap((item) => Object.values(item).filter((op) => typeof op === 'object' && op !== null && 'operationId' in op));
    for (const operation of operations) {
      for (const rule of rules.filter((r) => r.at !== '')) {
        const line = `- \`${rule.id}\` (${rule.choice ? `choice \`${rule.choice}\`` : 'documented'}): ${rule.text}`;
        expect(operation.description.includes(line), `${operation.operationId} and ${rule.id}`).toBe(rule.operationIds.includes(operation.operationId));
      }
    }
    const list = operations.find((op) => op.operationId === 'listCustomers')!.description;
    expect(list).toContain('**Rules** (what the contract kit checks):');
    // A parameter's rule shows with the operation that takes the parameter.
    expect(list).toMatch(/`list.take.bounds` \(documented\): `take` from 1 to 100 is honoured/);
    expect(list).toMatch(/`list.order` \(choice `list-order`\): Newest first/);
    const general = served.info.description.slice(served.info.description.indexOf('## Rules of every operation'));
    expect(general).toMatch(/`auth.exact-credentials` \(documented\): Credentials are compared exactly/);
    expect(list).not.toContain('auth.exact-credentials');
  });

  it('serves the same document as YAML', async () => {
    const json = await mock.request('GET', '/openapi.json', { auth: false });
    const yaml = await mock.request('GET', '/openapi.yaml', { auth: false });
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(yaml.text)).toEqual(json.body);
  });

  it('lists a server only once when the mock runs on a documented address', async () => {
    const { raw } = loadSpec();
    const documented = raw.servers![0]!.url;
    const served = servedDocument(raw, documented);
    expect(served.servers!.map((s) => s.url)).toEqual(raw.servers!.map((s) => s.url));
    expect(served.servers![0]!.description).toMatch(/this customers-mock/i);
  });

  it('serves the docs page with its renderer and the credentials pre-filled for the document\'s schemes', async () => {
    const res = await mock.request('GET', '/docs', { auth: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain('"ClientKey":"mock-client-key"');
    expect(res.text).toContain('"ClientSecret":"mock-client-secret"');
    expect(res.text).toContain("url: '/openapi.json'");
    for (const asset of res.text.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)) {
      const file = await mock.request('GET', asset[1]!, { auth: false });
      expect(file.status, asset[1]).toBe(200);
      expect(file.text.length, asset[1]).toBeGreaterThan(0);
    }
  });

  it('keeps configured credentials from breaking out of the page script', async () => {
    const hostile = await inProcessMock({ clientSecret: '</script><script>alert(1)</script>' });
    const res = await hostile.request('GET', '/docs', { auth: false });
    expect(res.text).not.toContain('</script><script>alert(1)');
    expect(res.text).toContain('\\u003c/script>');
  });

  it('needs no credentials and is not rate limited', async () => {
    for (let i = 0; i < 3; i += 1) {
      for (const path of ['/docs', '/openapi.json', '/openapi.yaml']) {
        const res = await mock.request('GET', path, { auth: false });
        expect(res.status, path).toBe(200);
        expect(res.headers.get('x-ratelimit-limit'), path).toBeNull();
      }
    }
  });

  it('serves the page at /docs/ too, as the router ignores a trailing slash', async () => {
    const res = await mock.request('GET', '/docs/', { auth: false });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers unknown routes next to them with the API\'s 404 error', async () => {
    for (const path of ['/docs/assets/index.html', '/docs/assets/../package.json', '/docs/other', '/openapi.yml']) {
      const res = await mock.request('GET', path, { auth: false });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    const post = await mock.request('POST', '/openapi.json', { auth: false });
    expect(post.body).toEqual({ statusCode: 404, message: 'Cannot POST /openapi.json', error: 'Not Found' });
  });
});
