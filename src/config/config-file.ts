import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { asError } from '../caught-error.js';
import { OptionError, readConfigObject } from './option-table.js';
import type { OptionTable } from './option.js';

/** Looked for in the working directory when no `--config` is given. */
export const CONFIG_FILE_NAME = 'customers-mock.config.json';

/** Shipped in the package, so a config file's `$schema` can point editors at it; generated from the option table. */
export const CONFIG_SCHEMA_FILE_NAME = 'customers-mock.config.schema.json';

/** The config file in force, absolute: `explicitPath` (from `--config`), else `customers-mock.config.json` in `cwd` when there is one. */
export function configFilePath(explicitPath: string | undefined, cwd: string): string | undefined {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE_NAME);
  return explicitPath === undefined && !existsSync(path) ? undefined : path;
}

/**
 * The settings of the config file, by configuration key: `explicitPath` (from `--config`), which
 * must exist, else `customers-mock.config.json` in `cwd` when there is one. Paths in it are
 * relative to the file.
 */
export function loadConfigFile(table: OptionTable, explicitPath: string | undefined, cwd: string): Partial<Record<string, unknown>> {
  const path = configFilePath(explicitPath, cwd);
  if (path === undefined) return {};
  const label = explicitPath ?? CONFIG_FILE_NAME;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OptionError(`cannot read config file ${label}: ${asError(error).message}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw new OptionError(`config file ${label} is not valid JSON: ${asError(error).message}`);
  }
  const directory = dirname(path);
  try {
    return readConfigObject(table, content, { resolvePath: (relative) => resolve(directory, relative) });
  } catch (error) {
    if (error instanceof OptionError) throw new OptionError(`config file ${label}: ${error.message}`);
    throw error;
  }
}
