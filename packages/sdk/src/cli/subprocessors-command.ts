import type { TransferDecision } from '../transfer/check.js';
import { parseCommandArgs } from './args.js';
import { loadGuard } from './load-guard.js';
import { formatTable } from './table.js';
import { runSubcommand } from './subcommands.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

const HELP = `Usage: dpa-guard subprocessors check [--policy FILE]... [--at YYYY-MM-DD] [--json]

Checks every subprocessor of the policy against the EEA and the European Commission's
adequacy decisions in force on a date (default: today), and the SCC/BCR mechanism declared
for the rest. Prints a table: subprocessor, country, basis, status, expiry.

Options:
  --policy FILE   a policy file (repeatable; default: built-in policy, no subprocessors)
  --at DATE       judge as of this date, e.g. the day of a planned release
  --json          one JSON document for machines instead of the table
  -h, --help      show this help

Exit status: 0 all lawful, 1 at least one not lawful on that date, 2 bad usage or
unreadable files.`;

interface Row {
  subprocessor: string;
  country: string;
  basis: string;
  status: 'lawful' | 'NOT LAWFUL';
  expires: string;
  reasons: string[];
  instrument: string;
}

export function subprocessorsCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand('subprocessors', HELP, { check }, argv, io);
}

async function check(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = 'subprocessors';
  const { values, positionals } = parseCommandArgs(`${command} check`, argv, {
    policy: { type: 'string', multiple: true },
    at: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`${command} check`, 'policy files go after --policy');
  const at = values.at ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(at) || Number.isNaN(new Date(at).getTime()))
    throw new UsageError(`${command} check`, `--at ${at} is not a date; write YYYY-MM-DD`);
  const guard = loadGuard(`${command} check`, values.policy, io);
  if (typeof guard === 'number') return guard;
  const { subprocessors } = guard.policy.policy;
  const rows = Object.entries(subprocessors).map(([name, settings]): Row => {
    const decision = guard.checkTransfer({ subprocessor: name, purpose: settings.purposes[0], at });
    return rowOf(name, decision);
  });
  await guard.close();
  const unlawful = rows.filter((r) => r.status !== 'lawful').length;
  if (values.json === true) {
    io.stdout.write(
      `${JSON.stringify({ at, policyVersion: guard.policy.version, lawful: unlawful === 0, subprocessors: rows }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(`${table(rows)}\n\n`);
    io.stdout.write(
      rows.length === 0
        ? `No subprocessors in policy ${guard.policy.version}.\n`
        : `${rows.length} subprocessor(s) on ${at} (policy ${guard.policy.version}): ${rows.length - unlawful} lawful, ${unlawful} not lawful.\n`,
    );
  }
  return unlawful > 0 ? EXIT.failed : EXIT.ok;
}

function rowOf(name: string, decision: TransferDecision): Row {
  return {
    subprocessor: name,
    country: decision.country ?? '?',
    basis: decision.basis ?? decision.reasons.join(', '),
    status: decision.allowed ? 'lawful' : 'NOT LAWFUL',
    expires: decision.expires ?? '-',
    reasons: decision.reasons,
    instrument: decision.instrument ?? '-',
  };
}

function table(rows: readonly Row[]): string {
  return formatTable(
    ['subprocessor', 'country', 'basis', 'status', 'expires', 'instrument'],
    rows.map((r) => [r.subprocessor, r.country, r.basis, r.status, r.expires, r.instrument]),
  );
}
