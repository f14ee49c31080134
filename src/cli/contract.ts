#!/usr/bin/env node
import { runContractSuite } from '../contract-runner/run.js';
import { inSandbox, SandboxUnavailableError } from '../contract-runner/sandbox.js';
import { CONTRACT_HELP, ContractUsageError, parseContractCommand } from './contract-options.js';

async function main(): Promise<number> {
  const command = parseContractCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(CONTRACT_HELP);
    return 0;
  }
  const { settings, junitFile, sandbox } = command;
  process.stdout.write(`Contract suite against ${settings.baseUrl} (${settings.allowWrites ? 'with writes' : 'read-only'}${sandbox ? ', in a sandbox' : ''})\n`);
  const run = (target: typeof settings) => runContractSuite(target, { junitFile });
  const result = sandbox ? await inSandbox(settings, run, process.stdout) : await run(settings);
  if (junitFile) process.stdout.write(`JUnit report: ${junitFile}\n`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SandboxUnavailableError) {
      process.stderr.write(`customers-contract: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof ContractUsageError) {
      process.stderr.write(`customers-contract: ${error.message}\nRun customers-contract --help for the options.\n`);
      process.exit(2);
    }
    process.stderr.write(`customers-contract: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
