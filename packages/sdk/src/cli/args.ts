import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends OptionSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
>;

/**
 * `node:util` parseArgs in strict mode, with its errors turned into a {@link UsageError}
 * that names the command, so an unknown flag reads "dpa-guard policy validate: unknown
 * option '--foo'" rather than a stack trace.
 */
export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  argv: readonly string[],
  options: T,
): { values: Parsed<T>['values']; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message =
      error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    throw new UsageError(command, message.replace(/\. To specify a positional argument.*$/, ''));
  }
}
