#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asError, errorCode } from '../caught-error.js';
import { CONFIG_FILE_NAME } from '../config/config-file.js';
import { UNLIMITED_RATE, type MockConfig } from '../config/mock-config.js';
import { InvalidDataSetError } from '../domain/errors.js';
import { startMock } from '../node-mock.js';
import { formatDataSet } from '../store/data-file.js';
import { FSYNC_PROMISES } from '../store/fsync-policy.js';
import { UnwritableStateError } from '../store/durable-state.js';
import { StateFileError } from '../store/state-format.js';
import { StateLockedError } from '../store/state-lock.js';
import { seededCustomers } from '../store/seeded-customers.js';
import { callerDirectory } from './caller-path.js';
import { HELP, parseCommand, PROXY_HELP, UsageError } from './options.js';
import { packageVersion } from './package-version.js';
import { stopWhenOrphanedUnderNpm } from './parent-watch.js';
import { progressReporter } from './progress.js';
import { runProxy } from './proxy.js';
import { terminalLog } from './terminal-log.js';

/** Counts below this start fast enough that a progress bar would only flicker. */
const PROGRESS_THRESHOLD = 50_000;
/** State files of about that many customers. */
const LOADING_MESSAGE_BYTES = 20 * 2 ** 20;

async function main(): Promise<void> {
  // Paths on the command line (--data, --state, --config, --out) are the caller's: under `npm start`
  // that is the folder the command was typed in, not the package's.
  process.chdir(callerDirectory());
  const command = parseCommand(process.argv.slice(2), process.env);
  switch (command.kind) {
    case 'help':
      process.stdout.write(HELP);
      return;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case 'proxy-help':
      process.stdout.write(PROXY_HELP);
      return;
    case 'proxy':
      return runProxy(command.config);
    case 'generate': {
      const customers = seededCustomers({
        ...command,
        onProgress: command.count >= PROGRESS_THRESHOLD ? progressReporter('generating') : undefined,
      });
      const text = formatDataSet(customers, true);
      if (command.out) writeFileSync(command.out, text);
      else process.stdout.write(text);
      return;
    }
    case 'serve': {
      const { config } = command;
      const mock = await startMock(config, {
        onSeedProgress: config.count >= PROGRESS_THRESHOLD && !config.dataFile ? progressReporter('seeding') : undefined,
        onStateLoading: (file, bytes) => {
          if (bytes >= LOADING_MESSAGE_BYTES) process.stderr.write(`loading ${file} and its journal (${(bytes / 2 ** 20).toFixed(0)} MiB)...\n`);
        },
        onIndexing: (count) => {
          if (count >= PROGRESS_THRESHOLD) process.stderr.write(`indexing ${count.toLocaleString('en-US')} customers...\n`);
        },
        observers: config.log ? [terminalLog({ credentials: config, colorize: process.stdout.isTTY })] : [],
      });
      const shutdown = (reason: string) => {
        // stderr: a diagnostic, and stdout may be a pipe whose reader is gone (EPIPE would crash the shutdown).
        process.stderr.write(`\n${reason}: finishing in-flight requests, then stopping\n`);
        mock.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
      stopWhenOrphanedUnderNpm(() => shutdown('npm stopped'));
      // Only now: a supervisor may send SIGTERM the moment it reads the banner.
      process.stdout.write(banner(mock.url, command, mock.store.size, mock.dataSource));
      return;
    }
  }
}

/** What the mock serves and every setting in force that a user could wonder about. */
function banner(url: string, { config, configFile }: { config: MockConfig; configFile?: string | undefined }, count: number, source: string): string {
  const local = config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1';
  return `customers-mock listening on ${url} (${local ? 'this machine only' : `bound to ${config.host}: reachable from the network`})
  customers:     ${count.toLocaleString('en-US')} from ${source}
  config file:   ${configFile ?? `none (no ./${CONFIG_FILE_NAME} here; --config FILE names one)`}
  state file:    ${config.stateFile === undefined ? 'none: changes last until the mock stops (--state FILE keeps them)' : `${resolve(config.stateFile)} (every change saved)\n  fsync:         ${config.fsync}: ${FSYNC_PROMISES[config.fsync]}`}
  client key:    ${config.clientKey}
  client secret: ${config.clientSecret}
  rate limit:    ${config.rateLimit === 0 ? `off (X-RateLimit-Limit: ${UNLIMITED_RATE}, a window no client uses up)` : `${config.rateLimit} requests/minute per client key`}
  apps:          ${config.apps.length === 0 ? "none beside the mock's own (apps in the config file add some)" : config.apps.map((app) => `${app.clientKey} (${app.appId})`).join(', ')}
  CORS:          ${config.corsOrigins.length === 0 ? 'off: browser apps on other origins cannot call it (--cors ORIGINS)' : config.corsOrigins.join(', ')}
  simulation:    ${simulation(config)}
${Object.keys(config.compat).length === 0 ? '' : `  compat:        ${Object.entries(config.compat).map(([key, value]) => `${key}=${value}`).join(', ')}\n`}  API reference: ${url}/docs

Try it:
  curl -s '${url}/api/v0/customers?take=2' \\
    -H 'x-client-key: ${config.clientKey}' \\
    -H 'x-client-secret: ${config.clientSecret}'
`;
}

function simulation(config: MockConfig): string {
  const { minMs, maxMs } = config.latency;
  const parts = [
    ...(maxMs > 0 ? [`latency ${minMs === maxMs ? minMs : `${minMs}-${maxMs}`} ms`] : []),
    ...(config.errorRate > 0 ? [`error rate ${config.errorRate}`] : []),
  ];
  return `${parts.length > 0 ? parts.join(', ') : 'off'} (per request: Prefer: code=429, delay=300)`;
}

main().catch((error: unknown) => {
  // Exit 2, as for a usage error: the command cannot work as given, whereas the state is fine.
  if (error instanceof StateLockedError) {
    process.stderr.write(`customers-mock: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof UsageError) {
    const helpCommand = process.argv[2] === 'proxy' ? 'customers-mock proxy --help' : 'customers-mock --help';
    process.stderr.write(`customers-mock: ${error.message}\nRun ${helpCommand} for the options.\n`);
    process.exit(2);
  }
  if (error instanceof InvalidDataSetError || error instanceof StateFileError || error instanceof UnwritableStateError) {
    process.stderr.write(`customers-mock: ${error.message}\n`);
    process.exit(1);
  }
  const code = errorCode(error);
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`customers-mock: cannot listen: ${asError(error).message}\n`);
    process.exit(1);
  }
  throw error;
});
