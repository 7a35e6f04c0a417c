#!/usr/bin/env node
import { runCli } from './run.js';

// The bin entry: real streams in, the exit code out. Unexpected errors print one line,
// not a stack trace, unless DPA_GUARD_DEBUG is set.
try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
} catch (error) {
  process.stderr.write(
    process.env.DPA_GUARD_DEBUG
      ? `${String((error as Error).stack)}\n`
      : `dpa-guard: ${(error as Error).message}\n`,
  );
  process.exitCode = 70;
}
