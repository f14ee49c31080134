import { expect } from 'vitest';
import { getSpecModel, type SpecModel } from '../../src/openapi/index.js';
import type { TestResponse } from './mock.js';

/**
 * Asserts that a response is one the document describes for the operation: a documented status,
 * JSON, and a body valid against that status's schema. Every black-box test runs its responses
 * through this, so the mock cannot drift from its own contract unnoticed. A mock with compat options
 * is held to its own (rewritten) document: pass its `spec`.
 */
export async function expectDocumented(operationId: string, res: TestResponse, spec?: SpecModel): Promise<void> {
  const validate = (spec ?? (await getSpecModel())).responseValidator(operationId);
  const bodyIsJson = typeof res.body !== 'string' || res.text === '""';
  const problems = validate({ status: res.status, contentType: res.headers.get('content-type'), body: res.body, bodyIsJson });
  expect(problems, `${operationId} answered ${res.status} ${res.text.slice(0, 300)}`).toEqual([]);
}

/** Asserts the API's one error shape: JSON `{statusCode, message, error}` with the status repeated. */
export function expectError(res: TestResponse, status: number, message?: string | RegExp | string[]): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = res.body as Record<string, unknown>;
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect((body.error as string).length).toBeGreaterThan(0);
  const allowed = status === 429 ? ['error', 'message', 'retryAfter', 'statusCode'] : ['error', 'message', 'statusCode'];
  expect(Object.keys(body).sort()).toEqual(allowed);
  if (message === undefined) return;
  if (Array.isArray(message)) expect(body.message).toEqual(message);
  else if (typeof message === 'string') expect(body.message).toBe(message);
  else expect(String(body.message)).toMatch(message);
}
