import { readFileSync } from 'node:fs';
import { auditCommand } from './audit-command.js';
import { breachCommand } from './breach-command.js';
import { dbCommand } from './db-command.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';
import { policyCommand } from './policy-command.js';
import { scanCommand } from './scan-command.js';
import { subprocessorsCommand } from './subprocessors-command.js';

const HELP = `Usage: dpa-guard <command> [options]

Enforce the data processing agreement: tools for the security team.

Commands:
  policy validate FILE...               check policy files (exit 1 on problems)
  policy explain [--tenant ID] FILE...  the effective policy and where each value comes from
  scan [--policy FILE]... [FILE]        inspect JSON Lines for BSNs and special categories
  subprocessors check [--policy FILE]... [--at DATE] [--json]
                                        are transfers to every subprocessor lawful on DATE?
  breach list | retry ID | verify --secret-env NAME [FILE]
                                        breach signals and their deadlines; check a webhook
  audit verify | export --tenant ID | report [DIR]
                                        the hash-chained records of processing (--db URL: PostgreSQL)
  db migrate [--db URL]                 create or update the PostgreSQL tables

Options:
  -h, --help       show help (also after any command)
  -v, --version    show the version`;

/** Runs one `dpa-guard` command line; returns the exit code instead of exiting (testable). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'policy':
        return await policyCommand(rest, io);
      case 'scan':
        return await scanCommand(rest, io);
      case 'breach':
        return await breachCommand(rest, io);
      case 'audit':
        return await auditCommand(rest, io);
      case 'db':
        return await dbCommand(rest, io);
      case 'subprocessors':
        return await subprocessorsCommand(rest, io);
      case '-v':
      case '--version':
        io.stdout.write(`${version()}\n`);
        return EXIT.ok;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(`${HELP}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError('', `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const name = error.command === '' ? 'dpa-guard' : `dpa-guard ${error.command}`;
      io.stderr.write(`${name}: ${error.message}\nRun "${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
