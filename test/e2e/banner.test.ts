import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type SpawnedMock } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function bannerOf(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const mock: SpawnedMock = await spawnCli(['--port', '0', '--count', '3', ...args], env);
  mock.child.kill('SIGTERM');
  await mock.exited;
  return mock.banner;
}

describe('the start-up banner lists the settings in force', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'customers-mock-banner-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says when there is no config file, no state file, and CORS is off', async () => {
    const banner = await bannerOf([]);
    expect(banner).toMatch(/^ {2}config file: {3}none \(no \.\/customers-mock\.config\.json here; --config FILE names one\)$/m);
    expect(banner).toMatch(/^ {2}state file: {4}none: changes last until the mock stops \(--state FILE keeps them\)$/m);
    expect(banner).toMatch(/^ {2}rate limit: {4}100 requests\/minute per client key$/m);
    expect(banner).toMatch(/^ {2}CORS: {10}off: browser apps on other origins cannot call it \(--cors ORIGINS\)$/m);
    expect(banner).toMatch(/^ {2}apps: {10}none beside the mock's own \(apps in the config file add some\)$/m);
  });

  it('lists the applications the config file adds, by client key and appId, never their secrets', async () => {
    const config = join(dir, 'apps.config.json');
    const apps = [
      { clientKey: 'team-b', clientSecret: 'team-b-secret', appId: 'app_team_b', count: 2 },
      { clientKey: 'team-c', clientSecret: 'team-c-secret', appId: 'app_team_c', count: 1 },
    ];
    writeFileSync(config, JSON.stringify({ apps }));
    const banner = await bannerOf(['--config', config]);
    expect(banner).toMatch(/^ {2}apps: {10}team-b \(app_team_b\), team-c \(app_team_c\)$/m);
    expect(banner).not.toContain('team-b-secret');
  });

  it('says what the rate-limit headers show when the limit is off', async () => {
    const banner = await bannerOf(['--rate-limit', '0']);
    expect(banner).toMatch(/^ {2}rate limit: {4}off \(X-RateLimit-Limit: 2147483647, a window no client uses up\)$/m);
  });

  it('names the config file read, the state file, the rate limit and the CORS origins, with absolute paths', async () => {
    const config = join(dir, 'qa.config.json');
    writeFileSync(config, JSON.stringify({ rateLimit: 7, cors: 'http://localhost:3000,https://qa.example' }));
    const banner = await bannerOf(['--config', config, '--state', join(dir, 'state.json')]);
    expect(banner).toMatch(new RegExp(`^ {2}config file: {3}${escape(config)}$`, 'm'));
    expect(banner).toMatch(new RegExp(`^ {2}state file: {4}${escape(join(dir, 'state.json'))} \\(every change saved\\)$`, 'm'));
    expect(banner).toMatch(/^ {2}rate limit: {4}7 requests\/minute per client key$/m);
    expect(banner).toMatch(/^ {2}CORS: {10}http:\/\/localhost:3000, https:\/\/qa\.example$/m);
  });

  it('under npm start, takes a relative --state from the folder the command was typed in', async () => {
    // What npm run sets: it moves into the package's folder and leaves the caller's in INIT_CWD.
    const banner = await bannerOf(['--state', 'relative-state.json'], { INIT_CWD: dir, npm_package_json: join(ROOT, 'package.json') });
    expect(banner).toContain(`state file:    ${join(dir, 'relative-state.json')} (every change saved)`);
    expect(existsSync(join(dir, 'relative-state.json'))).toBe(true);
    expect(existsSync(join(ROOT, 'relative-state.json'))).toBe(false);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
