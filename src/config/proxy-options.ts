import { defaultValues } from './option-table.js';
import { onOff, option, path, text, wholeNumber, type OptionValues, type ValueKind } from './option.js';

/** An http or https URL without credentials in it (they would end up in logs and reports). */
function upstreamUrl(): ValueKind<URL | undefined> {
  const parse = (value: unknown): URL | undefined => {
    if (typeof value !== 'string') return undefined;
    try {
      const url = new URL(value.trim());
      const usable = (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
      return usable ? url : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    placeholder: 'URL',
    expected: 'an http or https URL without user, password, query or fragment, such as https://staging.example.com',
    fileExpected: 'an http or https URL (a string)',
    schema: { type: 'string', format: 'uri' },
    parseText: parse,
    readFile: parse,
    toFile: (value) => value?.href,
  };
}

/**
 * The options of `customers-mock proxy`: its flags, `--help` lines and environment variables
 * derive from this table, as the mock's do from MOCK_OPTIONS.
 */
export const PROXY_OPTIONS = [
  option({
    flag: 'upstream',
    key: 'upstream',
    env: 'PROXY_UPSTREAM',
    kind: upstreamUrl(),
    default: undefined,
    help: 'the deployment to forward to, e.g. https://staging.example.com; https unless it is this machine or --insecure is given (required)',
  }),
  // Beside a mock on its default port 4010, which may be the upstream.
  option({ flag: 'port', key: 'port', kind: wholeNumber(0, 65_535), default: 4011, help: 'port to listen on; 0 picks a free one' }),
  option({ flag: 'host', key: 'host', kind: text('HOST'), default: '127.0.0.1', help: 'address to bind; by default, this machine only' }),
  option({
    flag: 'report',
    key: 'reportFile',
    kind: path(),
    default: undefined,
    help: 'on stop (SIGINT or SIGTERM), write the report (requests, violations by rule, upstream failures) as JSON to FILE; GET /__proxy/report answers it at any time',
  }),
  option({ flag: 'junit', key: 'junitFile', kind: path(), default: undefined, help: 'on stop, write a JUnit XML report to FILE: one test case per rule of the document, failed, passed, or skipped when the traffic never reached it' }),
  option({
    flag: 'drift',
    key: 'driftFile',
    kind: path(),
    default: undefined,
    help: "on stop, write the drift report (the upstream's departures from the document's choices), which customers-mock --compat FILE loads",
  }),
  option({
    flag: 'record',
    key: 'recordFile',
    kind: path(),
    default: undefined,
    help: "write every customer seen in the upstream's answers (latest version, deleted ones left out) to FILE as a data set for customers-mock --data FILE, every few seconds and on stop",
  }),
  option({ flag: 'anonymize', key: 'anonymize', kind: onOff(), default: false, help: 'with --record: replace names, emails and phone numbers with generated ones, the same for the same id' }),
  option({ flag: 'insecure', key: 'insecure', kind: onOff(), default: false, help: 'allow a plain http upstream that is not this machine (credentials then cross the network unencrypted)' }),
  option({
    flag: 'upstream-timeout-ms',
    key: 'upstreamTimeoutMs',
    kind: wholeNumber(1, 600_000),
    default: 30_000,
    help: 'an upstream answer not complete after this many milliseconds is answered 504',
  }),
] as const;

export type ProxyConfig = OptionValues<typeof PROXY_OPTIONS>;

export const DEFAULT_PROXY_CONFIG: ProxyConfig = defaultValues(PROXY_OPTIONS);
