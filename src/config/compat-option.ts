import { asError } from '../caught-error.js';
import { isJsonObject, isTextRecord } from '../json-object.js';
import { CompatError, describeCompatOptions, readCompatOptions, resolveCompat, type CompatOption } from '../openapi/compat.js';
import { documentAsWritten, type CompatRequest } from '../openapi/document.js';
import { OptionError } from './option-table.js';
import type { JsonSchema, ValueKind } from './option.js';

/**
 * Node's file system when there is one. This module is part of the option table, which the
 * in-process engine reads in the browser too: a static `node:fs` import would break that build, and
 * a browser has no drift report file to read.
 */
function fileSystem(): typeof import('node:fs') | undefined {
  return globalThis.process?.getBuiltinModule?.('node:fs');
}

/** The `format` of the contract kit's drift report (`npm run contract -- --drift FILE`). */
export const DRIFT_REPORT_FORMAT = 'customers-contract-drift/1';

let documentOptions: CompatOption[] | undefined;

/** The document's compat options, read on first use (not at import: `--help` alone needs none). */
function compatOptions(): CompatOption[] {
  documentOptions ??= readCompatOptions(documentAsWritten());
  return documentOptions;
}

/** The pairs, if every key and value is the document's; a CompatError naming the valid ones otherwise. */
function checked(pairs: CompatRequest): CompatRequest {
  resolveCompat(compatOptions(), pairs);
  return pairs;
}

/**
 * The compat pairs of a drift report: exactly the `compat` of its observations. A report that
 * cannot be read, is not a drift report, or observes two values for one option is an OptionError.
 */
export function readDriftReport(path: string): CompatRequest {
  let report: unknown;
  try {
    const fs = fileSystem();
    if (!fs) throw new Error('no file system here');
    report = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OptionError(`--compat ${path}: cannot read a drift report: ${asError(error).message}`);
  }
  if (!isJsonObject(report) || report.format !== DRIFT_REPORT_FORMAT || !Array.isArray(report.observations)) {
    throw new OptionError(`--compat ${path}: not a drift report (expected "format": "${DRIFT_REPORT_FORMAT}" and an "observations" array)`);
  }
  const pairs: Record<string, string> = {};
  for (const observation of report.observations) {
    const compat: unknown = isJsonObject(observation) ? observation.compat : undefined;
    const option = isJsonObject(compat) ? compat.option : undefined;
    if (option === undefined) continue;
    const value = isJsonObject(compat) ? compat.value : undefined;
    if (typeof option !== 'string' || typeof value !== 'string') throw new OptionError(`--compat ${path}: an observation's compat must be {"option": ..., "value": ...}`);
    if (pairs[option] !== undefined && pairs[option] !== value) {
      throw new OptionError(`--compat ${path}: compat option ${option} is observed as both ${pairs[option]} and ${value}`);
    }
    pairs[option] = value;
  }
  try {
    return checked(pairs);
  } catch (error) {
    if (error instanceof CompatError) throw new OptionError(`--compat ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * `--compat KEY=VALUE` (repeatable), `--compat FILE` (a drift report), and `compat` in the config
 * file: switches a choice of the document to what a real deployment does. The keys and values are
 * the document's (`x-choices.<id>.compat`), read from it, never listed here.
 */
export function compatSwitches(): ValueKind<CompatRequest, CompatRequest> {
  return {
    placeholder: 'KEY=VALUE|FILE',
    get expected() {
      return `KEY=VALUE with one of ${describeCompatOptions(compatOptions())}, or the path of a drift report (${DRIFT_REPORT_FORMAT})`;
    },
    get fileExpected() {
      return `an object of compat options, such as {"timestamps": "snake_case"}, with keys and values among ${describeCompatOptions(compatOptions())}`;
    },
    get schema(): JsonSchema {
      const properties = Object.fromEntries(compatOptions().map((o) => [o.option, { enum: Object.keys(o.values), description: `${o.choice}: ${Object.entries(o.values).map(([v, meaning]) => `${v}: ${meaning}`).join('; ')}` }]));
      return { type: 'object', additionalProperties: false, properties };
    },
    parseText(text) {
      const separator = text.indexOf('=');
      // Neither a pair nor a file: the message lists every pair.
      if (separator < 0) return fileSystem()?.existsSync(text) ? readDriftReport(text) : undefined;
      try {
        return checked({ [text.slice(0, separator)]: text.slice(separator + 1) });
      } catch (error) {
        if (error instanceof CompatError) return undefined;
        throw error;
      }
    },
    readFile(value) {
      if (!isTextRecord(value)) return undefined;
      try {
        return checked(value);
      } catch (error) {
        if (error instanceof CompatError) return undefined;
        throw error;
      }
    },
    toFile: (value) => (Object.keys(value).length === 0 ? undefined : { ...value }),
    merge: (earlier, later) => ({ ...earlier, ...later }),
  };
}
