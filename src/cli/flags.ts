import { parseArgs, type ParseArgsConfig } from 'node:util';
import { asError, errorCode } from '../caught-error.js';
import { nearestName } from '../config/nearest-name.js';

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` makes of a strict command line with these options. */
export type ParsedFlags<O extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>>;

/** A command line the tool cannot read; the message is the tool's own, ready to print. */
export class FlagError extends Error {}

/**
 * Node's `parseArgs`, strict, with the tool's own messages: an unknown flag is named with the
 * closest known one ("did you mean"), instead of Node's advice about positional arguments.
 */
export function parseFlags<const O extends FlagOptions>(args: readonly string[], options: O, allowPositionals = false): ParsedFlags<O> {
  const unknown = firstUnknownFlag(args, options);
  if (unknown !== undefined) throw new FlagError(unknownFlagMessage(unknown, options));
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new FlagError(describeParseError(error, args));
  }
}

function firstUnknownFlag(args: readonly string[], options: FlagOptions): string | undefined {
  const longs = new Set(Object.keys(options));
  const shorts = new Set(Object.values(options).flatMap((o) => (o.short === undefined ? [] : [o.short])));
  for (const [index, arg] of args.entries()) {
    if (arg === '--') return undefined;
    // A value of the flag before it (`--client-secret -x`) is not a flag of its own.
    const previous = args[index - 1];
    if (previous !== undefined && takesValue(previous, options)) continue;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      if (!longs.has(name)) return `--${name}`;
    } else if (arg.startsWith('-') && arg.length > 1 && !(arg.length === 2 && shorts.has(arg[1]!))) {
      return arg;
    }
  }
  return undefined;
}

function takesValue(arg: string, options: FlagOptions): boolean {
  if (arg.includes('=')) return false;
  const option = arg.startsWith('--') ? options[arg.slice(2)] : Object.values(options).find((o) => arg === `-${o.short}`);
  return option?.type === 'string';
}

function unknownFlagMessage(flag: string, options: FlagOptions): string {
  const suggestion = nearestName(flag.replace(/^-+/, ''), Object.keys(options));
  return `unknown option ${flag}${suggestion === undefined ? '' : ` (did you mean --${suggestion}?)`}`;
}

function describeParseError(caught: unknown, args: readonly string[]): string {
  const error = asError(caught);
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (errorCode(caught)) {
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(error.message)) return `${flag} is a switch and takes no value`;
      return `${flag} needs a value${/ambiguous/.test(error.message) ? ` (the next argument is a flag: write ${flag}=VALUE if the value starts with -)` : ''}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(/'([^']*)'/.exec(error.message)?.[1] ?? args.join(' '))}`;
    default:
      return error.message;
  }
}
