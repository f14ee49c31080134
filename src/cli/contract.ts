#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { coverageJson, unexercisedDocumented } from '../contract-kit/coverage.js';
import { driftReport } from '../contract-kit/drift.js';
import { runContractSuite } from '../contract-kit/run.js';
import { inSandbox, SandboxUnavailableError } from '../contract-kit/sandbox.js';
import { CONTRACT_HELP, ContractUsageError, parseContractCommand } from './contract-options.js';

async function main(): Promise<number> {
  const command = parseContractCommand(process.argv.slice(2), process.env);
  if (command.kind === 'help') {
    process.stdout.write(CONTRACT_HELP);
    return 0;
  }
  const { settings, junitFile, driftFile, coverageFile, requireCoverage, sandbox } = command;
  const mode = settings.allowWrites ? `with writes, seed ${settings.seed}` : 'read-only';
  const budget = settings.maxRequests === undefined ? '' : `, at most ${settings.maxRequests} requests`;
  process.stdout.write(`Contract suite against ${settings.baseUrl} (profile ${settings.profile}, ${mode}${budget}${sandbox ? ', in a sandbox' : ''})\n`);
  const run = (target: typeof settings) => runContractSuite(target, { junitFile });
  // An interrupted run returns too, so the sandbox is deleted before the exit code says so.
  const result = sandbox ? await inSandbox(settings, run, process.stdout) : await run(settings);
  // 128 + the signal's number, as a shell reports a process the signal ended.
  if (result.interrupted) return result.interrupted.signal === 'SIGINT' ? 130 : 143;
  if (junitFile) process.stdout.write(`JUnit report: ${junitFile}\n`);
  if (driftFile) {
    writeFileSync(driftFile, `${JSON.stringify(driftReport(settings.profile, settings.baseUrl, result.observations), null, 2)}\n`);
    process.stdout.write(`Drift report: ${driftFile}\n`);
  }
  if (coverageFile) {
    writeFileSync(coverageFile, `${JSON.stringify(coverageJson(result.coverage), null, 2)}\n`);
    process.stdout.write(`Coverage report: ${coverageFile}\n`);
  }
  const unexercised = requireCoverage ? unexercisedDocumented(result.coverage) : [];
  if (unexercised.length > 0) process.stdout.write(`Coverage FAILED (--require-coverage): ${unexercised.length} documented rule(s) not exercised: ${unexercised.map((r) => r.id).join(', ')}\n`);
  return result.ok && unexercised.length === 0 ? 0 : 1;
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
