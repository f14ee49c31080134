import type { Observation } from '../contract-kit/drift.js';

/** A request as the proxy forwarded it, for judging. */
export interface ObservedRequest {
  readonly method: string;
  /** The path as sent, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Values of the operation's path template, e.g. `{ id }`. */
  readonly params: Readonly<Record<string, string>>;
  /** As Node parsed them: names in lower case, a repeated header's values joined (`set-cookie` apart). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body, the text when it is not JSON, undefined when there is none. */
  readonly body: unknown;
  readonly bodyIsJson: boolean;
}

/** The upstream's answer, exactly as it came back. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly bodyIsJson: boolean;
}

/** One exchange of live traffic, matched to an operation of the document. */
export interface ObservedExchange {
  readonly operationId: string;
  readonly request: ObservedRequest;
  readonly response: ObservedResponse;
}

/** One rule of the document that an exchange did not keep. */
export interface Verdict {
  /** The rule's id in the document. */
  readonly rule: string;
  /** `documented`: the platform's own rule; `choice`: one of the document's choices (drift, not a violation). */
  readonly provenance: 'documented' | 'choice';
  /** `request`: the client broke it; `response`: the server did. */
  readonly side: 'request' | 'response';
  readonly operationId: string;
  /** The response's status. */
  readonly status: number;
  readonly message: string;
  /** For a departure at a choice point: what the deployment does there, as the kit's drift report says it. */
  readonly observation?: Observation;
}

/**
 * Judges what one exchange shows against the document's rules. The proxy holds no model of the
 * upstream's data, so only rules a single exchange can show are judged.
 */
export type Judge = (exchange: ObservedExchange) => readonly Verdict[] | Promise<readonly Verdict[]>;
