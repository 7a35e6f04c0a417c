import { resolve } from 'node:path';
import { formatExplanation, explainPolicy } from '../policy/explain.js';
import { loadPolicy } from '../policy/load.js';
import { formatProblem, type PolicyProblem } from '../policy/problem.js';
import { parseCommandArgs } from './args.js';
import { runSubcommand } from './subcommands.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

export const POLICY_HELP = `Usage: dpa-guard policy <command> [options] FILE...

Commands:
  validate FILE...               check policy and tenant agreement files against the schema
  explain [--tenant ID] FILE...  show the effective policy and which layer set each value

Run "dpa-guard policy <command> --help" for the options of one command.`;

const VALIDATE_HELP = `Usage: dpa-guard policy validate [--json] [--at YYYY-MM-DD] FILE...

Checks each policy or tenant agreement file against the published schema
(@dpa-guard/sdk/policy.schema.json), then checks that the files fit together in the
order given (built-in defaults < platform policies < tenant agreements).

Options:
  --json          print the result as JSON
  --at DATE       check exception expiry dates against DATE instead of today
  -h, --help      show this help

Exit status: 0 all valid, 1 problems found, 2 a file cannot be read or bad usage.`;

const EXPLAIN_HELP = `Usage: dpa-guard policy explain [--tenant ID] [--json] FILE...

Layers the files over the built-in defaults and prints every effective setting with the
layer that set it. With --tenant, the policy as it applies to that tenant (controller),
including its agreement files; other tenants' settings are never shown.

Options:
  --tenant ID     the tenant (controller) to explain the policy for
  --json          print the explanation as JSON
  --at DATE       check exception expiry dates against DATE instead of today
  -h, --help      show this help

Exit status: 0 explained, 1 the files are not valid, 2 a file cannot be read or bad usage.`;

export function policyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand(
    'policy',
    POLICY_HELP,
    { validate: validateCommand, explain: explainCommand },
    argv,
    io,
  );
}

function parseDate(command: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(command, `--at needs a date as YYYY-MM-DD, got "${value}"`);
  }
  return date;
}

function filesOf(command: string, positionals: string[], io: CliIo): string[] {
  if (positionals.length === 0) throw new UsageError(command, 'name at least one policy FILE');
  return positionals.map((file) => resolve(io.cwd, file));
}

/** Shows paths as the user typed them, not as resolved. */
function displayName(problemFile: string, files: string[], typed: string[]): string {
  const i = files.indexOf(problemFile);
  return i === -1 ? problemFile : (typed[i] ?? problemFile);
}

function validateCommand(argv: readonly string[], io: CliIo): ExitCode {
  const command = 'policy validate';
  const { values, positionals } = parseCommandArgs(command, argv, {
    json: { type: 'boolean' },
    at: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(`${VALIDATE_HELP}\n`);
    return EXIT.ok;
  }
  const at = parseDate(command, values.at);
  const files = filesOf(command, positionals, io);
  const result = loadPolicy(files, at === undefined ? {} : { at });
  const problems: PolicyProblem[] = result.ok
    ? []
    : result.problems.map((p) => ({ ...p, file: displayName(p.file, files, positionals) }));
  const code = result.ok ? EXIT.ok : result.unreadable ? EXIT.usage : EXIT.failed;
  if (values.json === true) {
    io.stdout.write(
      `${JSON.stringify({ valid: result.ok, version: result.ok ? result.policy.version : undefined, problems }, null, 2)}\n`,
    );
    return code;
  }
  const out = result.ok ? io.stdout : io.stderr;
  for (const typed of positionals) {
    const own = problems.filter((p) => p.file === typed);
    out.write(
      own.length === 0
        ? `✓ ${typed}\n`
        : `✗ ${typed}\n${own.map((p) => `  ${formatProblem(p)}\n`).join('')}`,
    );
  }
  const bad = new Set(problems.map((p) => p.file)).size;
  out.write(
    result.ok
      ? `${files.length} file(s) valid; effective policy version ${result.policy.version}\n`
      : `${problems.length} problem(s) in ${bad} of ${files.length} file(s)\n`,
  );
  return code;
}

function explainCommand(argv: readonly string[], io: CliIo): ExitCode {
  const command = 'policy explain';
  const { values, positionals } = parseCommandArgs(command, argv, {
    tenant: { type: 'string' },
    json: { type: 'boolean' },
    at: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(`${EXPLAIN_HELP}\n`);
    return EXIT.ok;
  }
  const at = parseDate(command, values.at);
  if (values.tenant !== undefined && !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(values.tenant)) {
    throw new UsageError(
      command,
      `--tenant needs a tenant id (lowercase letters, digits, . _ -), got "${values.tenant}"`,
    );
  }
  const files = filesOf(command, positionals, io);
  const result = loadPolicy(files, at === undefined ? {} : { at });
  if (!result.ok) {
    for (const p of result.problems)
      io.stderr.write(
        `${formatProblem({ ...p, file: displayName(p.file, files, positionals) })}\n`,
      );
    io.stderr.write(
      'The policy is not valid; run "dpa-guard policy validate" on these files for details.\n',
    );
    return result.unreadable ? EXIT.usage : EXIT.failed;
  }
  const loaded = result.policy;
  const view = values.tenant === undefined ? loaded : loaded.forTenant(values.tenant);
  const settings = explainPolicy(view.policy, view.provenance).map((s) => ({
    ...s,
    source: displayName(s.source, files, positionals),
  }));
  const known =
    values.tenant === undefined ||
    Object.hasOwn(loaded.policy.tenants, values.tenant) ||
    loaded.layers.some((l) => l.kind === 'tenant' && l.document.tenant === values.tenant);
  if (values.json === true) {
    io.stdout.write(
      `${JSON.stringify({ tenant: values.tenant ?? null, known, version: view.policy.version, settings, policy: view.policy }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const heading =
    values.tenant === undefined
      ? `Effective platform policy, version ${view.policy.version}`
      : `Effective policy for tenant "${values.tenant}", version ${view.policy.version}` +
        (known ? '' : `\n(no settings of its own in these files: the platform policy applies)`);
  io.stdout.write(`${heading}\n\n${formatExplanation(settings)}\n`);
  return EXIT.ok;
}
