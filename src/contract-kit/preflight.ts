import { ApiError, createClient, TransportError, UnexpectedResponseError, type RawResponse } from '../client/index.js';
import { errorCode } from '../caught-error.js';
import { isJsonObject } from '../json-object.js';
import { kitClientOptions, UNANSWERED_LIMIT } from './kit.js';
import type { ContractSettings } from './settings.js';

/** A cause that would fail every check of the run in the same way, found before any check ran. */
export interface PreflightFinding {
  /** One line: what is wrong, naming the flag that fixes it. */
  readonly headline: string;
  /** The request that showed it (secret masked) and what came of it. */
  readonly evidence: string;
}

export interface PreflightResult {
  /** Undefined when the server answered like an API worth running the checks against. */
  readonly finding: PreflightFinding | undefined;
  /** Requests put on the wire, retries included: they count towards the run's total. */
  readonly requests: number;
}

/** getaddrinfo's answers for a name that does not resolve. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
/** OpenSSL's and Node's TLS failures: handshake, protocol and every certificate verdict. */
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$)/;
const CREDENTIALS_FLAGS = '--client-key and --client-secret (or CONTRACT_CLIENT_KEY and CONTRACT_CLIENT_SECRET)';

/**
 * Sends one list request, as the run's first check would, and says whether the whole run would
 * fail for a single cause (wrong host, port, scheme, path or credentials; not an API at all). A
 * run that would only repeat the same failure in every check is better replaced by one headline.
 * Anything less certain (a 5xx, a body that breaks the contract) is left to the checks to report.
 */
export async function preflight(settings: ContractSettings): Promise<PreflightResult> {
  let requests = 0;
  const client = createClient(kitClientOptions(settings, () => requests++));
  const base = new URL(settings.baseUrl);
  let unanswered: TransportError | undefined;
  // A lost request is retried up to the point where the run itself would stop sending.
  for (let attempt = 1; attempt <= UNANSWERED_LIMIT; attempt++) {
    try {
      await client.customers.list();
      return { finding: undefined, requests };
    } catch (error) {
      if (error instanceof ApiError || error instanceof UnexpectedResponseError) return { finding: diagnoseResponse(error.response, base), requests };
      if (!(error instanceof TransportError)) throw error;
      unanswered = error;
      const definite = diagnoseDefiniteTransportFailure(error, base);
      if (definite) return { finding: definite, requests };
    }
  }
  return { finding: diagnoseNoResponse(unanswered!, base, settings.timeoutMs), requests };
}

function diagnoseResponse(response: RawResponse, base: URL): PreflightFinding | undefined {
  const evidence = `${response.request.method} ${response.request.url} -> ${response.status} ${describeBody(response)}`;
  if (response.status === 401 || response.status === 403) {
    return { headline: `the server rejected the credentials (${response.status}). Check ${CREDENTIALS_FLAGS}.`, evidence };
  }
  if (response.status === 404) return { headline: notFoundHeadline(new URL(response.request.url), base), evidence };
  const contentType = response.headers.get('content-type');
  if (!response.bodyIsJson || !isJsonMediaType(contentType)) {
    return {
      headline: `the server answered ${response.status} with ${contentType ?? 'no content type'}, not JSON: --base-url points at something other than the API (a web page, a proxy, a login?). Check --base-url.`,
      evidence,
    };
  }
  return undefined;
}

/** The list path is the one path the API always answers, so a 404 there means the base URL is wrong. */
function notFoundHeadline(listUrl: URL, base: URL): string {
  const basePath = base.pathname.replace(/\/+$/, '');
  const apiPath = listUrl.pathname.slice(basePath.length);
  const hint =
    basePath !== '' && apiPath.startsWith(basePath)
      ? `drop ${basePath} from --base-url: the client adds ${apiPath} itself`
      : `--base-url must be the address the API's paths (${apiPath}) start from${basePath === '' ? '' : `; its path ${basePath} may be wrong`}`;
  return `there is no Customers API at ${listUrl.origin}${listUrl.pathname} (404). Check --base-url: ${hint}.`;
}

/** Failures that one attempt proves: asking again would meet the same refusal. */
function diagnoseDefiniteTransportFailure(error: TransportError, base: URL): PreflightFinding | undefined {
  const code = causeCode(error);
  const evidence = error.message;
  if (error.kind === 'too-large') {
    return { headline: `${base.host} answered a list request with a body over the size limit: --base-url points at something other than the API. Check --base-url.`, evidence };
  }
  if (code === 'ECONNREFUSED') {
    return { headline: `connection refused: nothing listens on ${base.host}. Check the host and port in --base-url (is the server running?).`, evidence };
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return { headline: `the host name ${base.hostname} does not resolve (DNS: ${code}). Check the host in --base-url.`, evidence };
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    const hint =
      code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO'
        ? 'the server does not speak TLS on that port: use http:// in --base-url, or the port that serves https'
        : 'check the host in --base-url, or trust the certificate authority that signed it (NODE_EXTRA_CA_CERTS=ca.pem)';
    return { headline: `TLS with ${base.host} failed (${code}): ${hint}.`, evidence };
  }
  return undefined;
}

function diagnoseNoResponse(error: TransportError, base: URL, timeoutMs: number): PreflightFinding {
  const evidence = error.message;
  if (error.kind === 'timeout') {
    return { headline: `${base.host} gave no response within ${timeoutMs} ms, ${UNANSWERED_LIMIT} times in a row. Check --base-url, or raise --timeout-ms if the server is slow.`, evidence };
  }
  return { headline: `${base.host} closed the connection without a response (${causeCode(error) ?? 'connection failed'}), ${UNANSWERED_LIMIT} times in a row. Check --base-url.`, evidence };
}

/** The system error code under fetch's "fetch failed", also when it tried several addresses. */
function causeCode(error: TransportError): string | undefined {
  const fetchError = error.cause;
  const cause = isJsonObject(fetchError) ? fetchError.cause : undefined;
  if (!isJsonObject(cause)) return undefined;
  const code = cause.code ?? (Array.isArray(cause.errors) ? cause.errors.map(errorCode).find((c) => c !== undefined) : undefined);
  return typeof code === 'string' ? code : undefined;
}

function isJsonMediaType(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

function describeBody(response: RawResponse): string {
  const text = response.text.replace(/\s+/g, ' ').trim();
  return text === '' ? '(empty body)' : text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
