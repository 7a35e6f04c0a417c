import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

export type Subcommand = (argv: readonly string[], io: CliIo) => ExitCode | Promise<ExitCode>;

/**
 * Runs `dpa-guard <group> <subcommand> …` the same way for every group: the group's help
 * for none (exit 2) or -h/--help (exit 0), a usage error naming the choices for an unknown
 * subcommand.
 */
export async function runSubcommand(
  group: string,
  help: string,
  subcommands: Readonly<Record<string, Subcommand>>,
  argv: readonly string[],
  io: CliIo,
): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io.stdout.write(`${help}\n`);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  if (run === undefined) {
    const names = Object.keys(subcommands);
    throw new UsageError(
      group,
      `unknown subcommand "${sub}"; use ${names.length === 1 ? `"${names[0]!}"` : names.join(', ')}`,
    );
  }
  return run(rest, io);
}
