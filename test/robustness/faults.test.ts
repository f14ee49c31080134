import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { customerCheck } from '../../src/engine.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { loadState } from '../../src/store/durable-state.js';
import { CREDENTIALS } from '../support/mock.js';
import { spawnMock } from '../support/mock-process.js';
import { parseResponses } from '../support/raw-http.js';

const KILLS = 20;
const WRITERS = 4;
const HEADERS = { ...CREDENTIALS, 'content-type': 'application/json' };
const folder = mkdtempSync(join(tmpdir(), 'customers-mock-faults-'));

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A kill at an unpredictable moment, between 100 and 600 ms into the writes. */
function randomDelay(): number {
  return 100 + Math.floor(Math.random() * 500);
}

describe('kill -9 during writes with --state', () => {
  it('leaves state files that load and hold every acknowledged write, kill after kill', async () => {
    const stateFile = join(folder, 'state.json');
    const check = customerCheck(await getSpecModel());
    const created = new Set<string>(); // acknowledged creates still expected
    const deleted = new Set<string>(); // acknowledged deletes
    let acknowledged = 0;
    let sequence = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const mock = await spawnMock(['--state', stateFile, '--count', '100', '--rate-limit', '0']);
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const n = sequence++;
          try {
            // Mostly creates; every fifth write deletes one acknowledged earlier.
            const victim = n % 5 === 4 ? [...created][n % created.size] : undefined;
            if (victim) {
              // Until acknowledged, the delete may or may not have happened: the victim is checked no more.
              created.delete(victim);
              const res = await fetch(`${mock.url}/api/v0/customers/${victim}`, { method: 'DELETE', headers: HEADERS });
              if (res.status === 200) {
                deleted.add(victim);
                acknowledged++;
              }
            } else {
              const body = JSON.stringify({ first_name: 'Kill', last_name: `Test${n}`, phone_number: '+14155550123', email: `kill.${n}@faults.example` });
              const res = await fetch(`${mock.url}/api/v0/customers`, { method: 'POST', headers: HEADERS, body });
              if (res.status === 201) {
                created.add(((await res.json()) as { id: string }).id);
                acknowledged++;
              }
            }
          } catch {
            // The process died under this request: not acknowledged, so either outcome is fine.
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await new Promise((resolve) => setTimeout(resolve, randomDelay()));
      mock.child.kill('SIGKILL');
      killed = true;
      expect((await mock.exited).signal).toBe('SIGKILL');
      await Promise.all(writers);

      // loadState throws on a damaged snapshot or journal; a torn last record it leaves out.
      const ids = new Set(loadState(stateFile, check).customers.map((c) => c.id));
      for (const id of created) expect(ids.has(id), `acknowledged create ${id} lost`).toBe(true);
      for (const id of deleted) expect(ids.has(id), `acknowledged delete ${id} undone`).toBe(false);
    }
    expect(acknowledged, 'the writes were acknowledged at all').toBeGreaterThan(KILLS * 5);

    // A last restart serves exactly what the file holds.
    const onDisk = loadState(stateFile, check).customers;
    const mock = await spawnMock(['--state', stateFile, '--rate-limit', '0']);
    const list = (await (await fetch(`${mock.url}/api/v0/customers?take=1`, { headers: CREDENTIALS })).json()) as { total: number };
    expect(list.total).toBe(onDisk.length);
    for (const id of [...created].slice(0, 20)) {
      expect((await fetch(`${mock.url}/api/v0/customers/${id}`, { headers: CREDENTIALS })).status).toBe(200);
    }
    mock.child.kill('SIGTERM');
    expect((await mock.exited).code).toBe(0);
    // A kill while a snapshot was written leaves a temporary sibling, and one between a snapshot
    // and removing the journals it holds leaves those: the restart cleared them.
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(folder).filter((name) => name.includes('.journal.')).length).toBeLessThanOrEqual(1);
    console.log(`faults: ${KILLS} kill -9 under ${WRITERS} writers, ${acknowledged} acknowledged writes, state files loaded every time`);
  }, 300_000);
});

describe('SIGTERM', () => {
  it('finishes a request in flight, then exits 0', async () => {
    const mock = await spawnMock(['--count', '10', '--rate-limit', '0']);
    const body = '{"first_name":"Slow","last_name":"Client","phone_number":"+14155550123"}';
    const socket = connect(Number(new URL(mock.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (data: Buffer) => (received += data.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // `Expect: 100-continue` makes the server say when it has the headers: from then on the
    // request is in flight, and its body comes only after the signal has been handled.
    socket.write(
      `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nx-client-key: ${CREDENTIALS['x-client-key']}\r\n` +
        `x-client-secret: ${CREDENTIALS['x-client-secret']}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await until(() => received.includes('100 Continue'));
    mock.child.kill('SIGTERM');
    await until(() => mock.output().includes('SIGTERM: finishing in-flight requests, then stopping'));
    socket.write(body);
    await closed;
    const answer = parseResponses(Buffer.from(received)).find((response) => response.status !== 100);
    expect(answer?.status, received).toBe(201);
    expect(JSON.parse(answer!.body)).toMatchObject({ first_name: 'Slow', last_name: 'Client' });
    // Its last answer on that connection, so the exit waits for no keep-alive timeout.
    expect(answer!.headers.connection).toBe('close');
    expect(await mock.exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});

/** Waits, polling, until the condition holds; fails after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
