import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Source text that evaluates to `value`: JSON.parse of its compact JSON, which V8 reads faster
 * than the same data written as a JavaScript literal, and in about half the bytes.
 */
export function parsedLiteral(value) {
  return `JSON.parse(${JSON.stringify(JSON.stringify(value))})`;
}

/**
 * What every compile script ends with: writes each `[file, text]`, or, with `--check` (the test
 * suite's freshness checks), only reports the files whose text is not that (a missing one too),
 * naming `command` as the way to regenerate them, and exits 1.
 */
export function writeGeneratedModules(outputs, command) {
  if (!process.argv.includes('--check')) {
    for (const [file, generated] of outputs) writeFileSync(file, generated);
    return;
  }
  const stale = outputs.filter(([file, generated]) => {
    try {
      return readFileSync(file, 'utf8') !== generated;
    } catch {
      return true; // A missing module is stale too.
    }
  });
  for (const [file] of stale) process.stderr.write(`${relative(process.cwd(), file)} is stale: run \`${command}\`\n`);
  if (stale.length > 0) process.exit(1);
}
