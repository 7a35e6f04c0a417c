import { createPostgresStores } from '../postgres/index.js';
import { parseCommandArgs } from './args.js';
import { runSubcommand } from './subcommands.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

const HELP = `Usage: dpa-guard db migrate [--db URL] [--schema NAME]

Creates or updates dpa-guard's tables (breach outbox, audit trail) in PostgreSQL. Safe to
run again and from several instances at once: applied versions are skipped, and runs take
turns under an advisory lock.

Options:
  --db URL        the database (default: $DATABASE_URL)
  --schema NAME   the schema for dpa-guard's tables (default: dpa_guard)`;

/** The database URL from --db or DATABASE_URL, or a usage error saying how to give one. */
export function databaseUrl(value: string | undefined, io: CliIo, command: string): string {
  const url = value ?? io.env.DATABASE_URL;
  if (url === undefined || url === '')
    throw new UsageError(command, 'give the database with --db URL or DATABASE_URL');
  return url;
}

export function dbCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand('db', HELP, { migrate }, argv, io);
}

async function migrate(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values } = parseCommandArgs('db migrate', argv, {
    db: { type: 'string' },
    schema: { type: 'string' },
  });
  const stores = createPostgresStores({
    connectionString: databaseUrl(values.db, io, 'db migrate'),
    ...(values.schema === undefined ? {} : { schema: values.schema }),
  });
  try {
    const applied = await stores.migrate();
    io.stdout.write(
      applied.length === 0
        ? 'Up to date: no migration to apply.\n'
        : `Applied: ${applied.join(', ')}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`dpa-guard db migrate: ${(error as Error).message}\n`);
    return EXIT.failed;
  } finally {
    await stores.close();
  }
}
