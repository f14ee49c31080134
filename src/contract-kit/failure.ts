import type { RawResponse, SentRequest } from '../client/index.js';

const BODY_PREVIEW_CHARS = 400;

/**
 * A check that did not hold, worded for a QA reader: the rule it broke (its id; none for what no
 * rule governs, such as a request that got no response), the request sent, what the contract
 * expects, and what came back.
 */
export class ContractFailure extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
    readonly request?: SentRequest,
    readonly rule?: string,
  ) {
    super(formatFailure(expected, got, request, rule));
    this.name = 'ContractFailure';
  }
}

export function formatFailure(expected: string, got: string, request?: SentRequest, rule?: string): string {
  const lines = [];
  if (rule) lines.push(`rule:     ${rule}`);
  if (request) lines.push(`request:  ${describeRequest(request)}`);
  lines.push(`expected: ${expected}`, `got:      ${indent(got)}`);
  return lines.join('\n');
}

export function describeRequest(request: SentRequest): string {
  const headers = Object.entries(request.headers)
    .filter(([name]) => name.startsWith('x-client-') || name === 'content-type')
    .map(([name, value]) => `${name}: ${value}`);
  const auth = ['x-client-key', 'x-client-secret'].filter((name) => request.headers[name] === undefined).map((name) => `no ${name}`);
  const extras = [...headers, ...auth].join(', ');
  const body = request.body === undefined ? '' : ` body ${preview(request.body)}`;
  return `${request.method} ${request.url}${extras ? ` [${extras}]` : ''}${body}`;
}

/** Status, content type and the start of the body: enough to see what went wrong. */
export function describeResponse(response: RawResponse): string {
  return `${response.status} ${response.headers.get('content-type') ?? '(no content-type)'} ${preview(response.text)}`;
}

export function preview(text: string): string {
  if (text === '') return '(empty body)';
  return text.length > BODY_PREVIEW_CHARS ? `${text.slice(0, BODY_PREVIEW_CHARS)}... (${text.length} chars)` : text;
}

function indent(text: string): string {
  return text.replace(/\n/g, '\n          ');
}

/** Several failures of one check (each with its rule, request, expectation and response), and only those. */
export class ContractFailures extends Error {
  constructor(
    readonly failures: readonly ContractFailure[],
    headline: string,
  ) {
    super(`${headline}\n\n${failures.map((f) => f.message).join('\n\n')}`);
    this.name = 'ContractFailures';
  }
}

/**
 * Runs every case, then fails with the failing ones alone, so that one case that fails neither
 * hides the others nor drowns them among those that passed.
 */
export async function everyCase<T>(cases: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  const failures: ContractFailure[] = [];
  for (const item of cases) {
    try {
      await run(item);
    } catch (error) {
      if (!(error instanceof ContractFailure)) throw error;
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new ContractFailures(failures, `${failures.length} of the ${cases.length} cases tried failed:`);
}
