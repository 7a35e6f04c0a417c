import { resolve } from 'node:path';
import { DpaGuardError } from '../errors.js';
import { createGuard, type Guard } from '../guard.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';

/**
 * A guard from `--policy FILE...` for a command, or the exit code after saying why not:
 * 2 for a file that cannot be read, 1 for an invalid policy (as `policy validate`).
 */
export function loadGuard(
  command: string,
  files: readonly string[] | undefined,
  io: CliIo,
  clock?: () => Date,
): Guard | ExitCode {
  try {
    return createGuard({
      policy: (files ?? []).map((f) => resolve(io.cwd, f)),
      ...(clock === undefined ? {} : { clock }),
    });
  } catch (error) {
    if (error instanceof DpaGuardError) {
      io.stderr.write(`dpa-guard ${command}: ${error.message}\n`);
      return error.code === 'DPA_ERR_POLICY_UNREADABLE' ? EXIT.usage : EXIT.failed;
    }
    throw error;
  }
}
