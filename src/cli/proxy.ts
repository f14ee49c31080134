import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ProxyConfig } from '../config/proxy-options.js';
import { writeRulesJUnit } from '../contract-kit/junit.js';
import { customerCheck } from '../engine.js';
import { getSpecModel } from '../openapi/index.js';
import { createJudge, type Verdict } from '../judge/index.js';
import { REPORT_PATH, startProxy } from '../proxy/proxy.js';
import { RecordFile } from '../proxy/record-file.js';
import { Recorder, type Recording } from '../proxy/recorder.js';
import { asError } from '../caught-error.js';

/**
 * `customers-mock proxy`: starts the proxy, prints a line per violation as it happens, and on
 * SIGINT or SIGTERM writes the files asked for, prints the summary and exits 1 when a response broke a
 * documented rule.
 */
export async function runProxy(config: ProxyConfig & { readonly upstream: URL }): Promise<void> {
  const startedAt = Date.now();
  const spec = await getSpecModel();
  const recorder = config.recordFile === undefined ? undefined : new Recorder();
  const proxy = await startProxy({
    upstream: config.upstream,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    host: config.host,
    port: config.port,
    judge: createJudge(spec),
    recorder,
    onVerdict: (verdict, { method, target }) => write(`${label(verdict)}  ${method} ${target} -> ${verdict.status}  [${verdict.rule}] ${verdict.message}\n`),
    onJudgeError: (error, { method, target }) => process.stderr.write(`customers-mock proxy: could not judge ${method} ${target} (passed on unjudged): ${error.stack ?? error.message}\n`),
    onUpstreamFailure: (error, { method, target }) => write(`upstream   ${method} ${target} -> ${error.status}  ${error.message}\n`),
  });
  const recordFile = recorder && config.recordFile !== undefined ? new RecordFile(recorder, {
          file: config.recordFile,
          anonymize: config.anonymize,
          check: customerCheck(spec),
          onError: (error) => process.stderr.write(`customers-mock proxy: cannot write ${config.recordFile}: ${error.message}\n`),
        }) : undefined;
  const upstream = `${config.upstream.origin}${config.upstream.pathname.replace(/\/+$/, '')}`;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: finishing in-flight requests, then stopping\n`);
    void proxy.close().then(() => {
      const written: string[] = [];
      const unwritten: string[] = [];
      // Each file is written whatever happened to the others: a report that cannot be saved must not cost the JUnit.
      const save = (file: string | undefined, writeFile: () => void) => {
        if (file === undefined) return;
        try {
          mkdirSync(dirname(resolve(file)), { recursive: true });
          writeFile();
          written.push(resolve(file));
        } catch (error) {
          unwritten.push(`cannot write ${resolve(file)}: ${asError(error).message}`);
        }
      };
      save(config.reportFile, () => writeFileSync(config.reportFile!, `${JSON.stringify(proxy.report.toJSON(), null, 2)}\n`));
      save(config.junitFile, () => writeRulesJUnit(config.junitFile!, proxy.report.asRunSummary(), 'documented', Math.round((Date.now() - startedAt) / 1000)));
      save(config.driftFile, () => writeFileSync(config.driftFile!, `${JSON.stringify(proxy.report.drift(upstream), null, 2)}\n`));
      let recording: Recording | undefined;
      save(config.recordFile, () => (recording = recordFile?.stop()));
      write(proxy.report.summary());
      if (recording) {
        const leftOut = [
          ...(recording.invalid.length === 0 ? [] : [`${recording.invalid.length} records that are no customer by the document (first: ${recording.invalid[0]})`]),
          ...(recording.emailClashes === 0 ? [] : [`${recording.emailClashes} older records whose email a newer one holds`]),
        ];
        write(`recorded ${recording.customers.length} customers${config.anonymize ? ' (anonymised)' : ''}${leftOut.length === 0 ? '' : `; left out ${leftOut.join(' and ')}`}\n`);
      }
      for (const file of written) write(`wrote ${file}\n`);
      for (const problem of unwritten) process.stderr.write(`customers-mock proxy: ${problem}\n`);
      // A file asked for and not written fails the run too: CI would otherwise publish nothing, green.
      process.exit(proxy.report.responsesBrokeDocumentedRule() || unwritten.length > 0 ? 1 : 0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  const local = config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1';
  const onStop = (file: string | undefined) => (file === undefined ? 'none' : `${resolve(file)} (written on stop)`);
  write(`customers-mock proxy listening on ${proxy.url} (${local ? 'this machine only' : `bound to ${config.host}: reachable from the network`})
  upstream:  ${upstream}${config.upstream.protocol === 'https:' ? '' : ' (plain http)'}
  report:    ${proxy.url}${REPORT_PATH}; file: ${onStop(config.reportFile)}
  junit:     ${onStop(config.junitFile)}
  drift:     ${onStop(config.driftFile)}
  record:    ${config.recordFile === undefined ? 'off (--record FILE)' : `${resolve(config.recordFile)}${config.anonymize ? ', anonymised' : ''} (every few seconds and on stop)`}
Each violation is printed as it happens; stop with Ctrl-C for the summary.
`);
}

/** What kind of departure a line reports: the server's, the client's, or drift at a choice. */
function label(verdict: Verdict): string {
  if (verdict.side === 'request') return 'client   ';
  return verdict.provenance === 'documented' ? 'VIOLATION' : 'drift    ';
}

/** stdout may be a pipe whose reader is gone; the proxy goes on (and still exits with its status). */
function write(text: string): void {
  if (process.stdout.writable) process.stdout.write(text);
}
