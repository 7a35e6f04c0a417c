import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readHead, readJournalLines } from '../audit/journal.js';
import type { AuditRecord } from '../audit/record.js';
import { buildReport, formatReportHtml, formatReportText, inScope } from '../audit/report.js';
import { verifyChain, type ChainVerdict } from '../audit/verify.js';
import { createPostgresStores } from '../postgres/index.js';
import { databaseUrl } from './db-command.js';
import { defaultDataDir } from '../storage/dirs.js';
import { parseCommandArgs } from './args.js';
import { loadGuard } from './load-guard.js';
import { runSubcommand } from './subcommands.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

const HELP = `Usage: dpa-guard audit <command> [options]

The audit trail (clause 10, GDPR art. 30(2)): hash-chained records of every decision.

Commands:
  verify [DIR | --db URL [--tenant ID]]   check the whole chain (in the database: each tenant's); point at the first record
                                          altered, removed or reordered (exit 1)
  export --tenant ID [--from D] [--to D] [--out FILE] [DIR]
                                          what that controller's auditor may see: its records
                                          as JSON Lines, and a summary on stderr (or FILE.summary.json)
  report [--tenant ID] [--from D] [--to D] [--policy FILE]... [--html FILE] [DIR]
                                          per tenant: processing per purpose, blocks per category,
                                          exceptions, transfers, breach signals and their deadlines,
                                          and the security measures in force

DIR defaults to $DPA_GUARD_DIR/audit, else .dpa-guard/audit. Dates are YYYY-MM-DD or ISO times.`;

export async function auditCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand('audit', HELP, { verify, export: exportRecords, report }, argv, io);
}

/** Which records: from a database or not, for a tenant, in a period. */
const SCOPE_OPTIONS = {
  db: { type: 'string' },
  schema: { type: 'string' },
  tenant: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

function dirOf(positionals: readonly string[], io: CliIo, command: string): string {
  if (positionals.length > 1) throw new UsageError(command, 'give one journal directory');
  return positionals[0] === undefined
    ? defaultDataDir(io.cwd, io.env, 'audit')
    : resolve(io.cwd, positionals[0]);
}

function checkDate(value: string | undefined, flag: string, command: string): string | undefined {
  if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))))
    throw new UsageError(command, `${flag} ${value} is not a date; write YYYY-MM-DD`);
  return value;
}

async function verify(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('audit verify', argv, {
    db: { type: 'string' },
    schema: { type: 'string' },
    tenant: { type: 'string' },
  });
  if (values.db !== undefined) return verifyDatabase(values, io);
  const dir = dirOf(positionals, io, 'audit verify');
  const lines = readJournalLines(dir);
  return report1(verifyChain(lines, readHead(dir)), dir, io);
}

/** Every tenant's chain in the database (one chain per tenant). */
async function verifyDatabase(
  values: { db?: string | undefined; schema?: string | undefined; tenant?: string | undefined },
  io: CliIo,
): Promise<ExitCode> {
  const stores = storesFor(values, io, 'audit verify');
  try {
    const chains = await stores.audit.chains(values.tenant);
    let code: ExitCode = EXIT.ok;
    if (chains.size === 0) io.stdout.write('No audit records in the database.\n');
    for (const [tenant, chain] of chains) {
      const verdict = verifyChain(chain.lines, chain.head);
      if (report1(verdict, `tenant "${tenant}"`, io) !== EXIT.ok) code = EXIT.failed;
    }
    return code;
  } finally {
    await stores.close();
  }
}

function report1(verdict: ChainVerdict, where: string, io: CliIo): ExitCode {
  if (verdict.valid) {
    io.stdout.write(
      `valid: ${String(verdict.records)} record(s) in one unbroken chain (${where})\n`,
    );
    return EXIT.ok;
  }
  const p = verdict.problem!;
  io.stdout.write(
    `BROKEN at ${p.file}:${String(p.line)} (record ${String(p.expectedSeq)}): ${p.kind}: ${p.detail}\n` +
      `${String(verdict.records)} record(s) before it verified.\n`,
  );
  return EXIT.failed;
}

/** The PostgreSQL stores named by --db (or DATABASE_URL) and --schema. */
function storesFor(
  values: { db?: string | undefined; schema?: string | undefined },
  io: CliIo,
  command: string,
) {
  return createPostgresStores({
    connectionString: databaseUrl(values.db, io, command),
    ...(values.schema === undefined ? {} : { schema: values.schema }),
  });
}

/** The records of the file journal in DIR, or of the database with --db. */
async function recordsFrom(
  values: { db?: string | undefined; schema?: string | undefined },
  positionals: readonly string[],
  io: CliIo,
  command: string,
): Promise<AuditRecord[]> {
  if (values.db === undefined) return records(dirOf(positionals, io, command));
  const stores = storesFor(values, io, command);
  try {
    const out: AuditRecord[] = [];
    for await (const record of stores.audit.records()) out.push(record);
    return out;
  } finally {
    await stores.close();
  }
}

function records(dir: string): AuditRecord[] {
  return readJournalLines(dir).flatMap((l) => {
    try {
      return [JSON.parse(l.text) as AuditRecord];
    } catch {
      return [];
    }
  });
}

async function exportRecords(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = 'audit export';
  const { values, positionals } = parseCommandArgs(command, argv, {
    ...SCOPE_OPTIONS,
    out: { type: 'string' },
  });
  if (values.tenant === undefined)
    throw new UsageError(command, '--tenant ID is required: an export is for one controller');
  const scope = {
    tenant: values.tenant,
    from: checkDate(values.from, '--from', command),
    to: checkDate(values.to, '--to', command),
  };
  const selected = (await recordsFrom(values, positionals, io, command)).filter((r) =>
    inScope(r, scope),
  );
  const jsonl = selected.map((r) => `${JSON.stringify(r)}\n`).join('');
  const kinds: Record<string, number> = {};
  for (const r of selected) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
  const summary = {
    tenant: scope.tenant,
    from: scope.from ?? selected[0]?.time ?? null,
    to: scope.to ?? selected.at(-1)?.time ?? null,
    records: selected.length,
    kinds,
    note: "Only this tenant's records; each carries its own hash, so any one can be checked against the operator's full chain.",
  };
  if (values.out === undefined) {
    io.stdout.write(jsonl);
    io.stderr.write(`${JSON.stringify(summary)}\n`);
  } else {
    const out = resolve(io.cwd, values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, jsonl);
    writeFileSync(`${out}.summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
    io.stdout.write(
      `exported ${String(selected.length)} record(s) of ${scope.tenant} to ${values.out} (summary: ${values.out}.summary.json)\n`,
    );
  }
  return EXIT.ok;
}

async function report(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = 'audit report';
  const { values, positionals } = parseCommandArgs(command, argv, {
    ...SCOPE_OPTIONS,
    policy: { type: 'string', multiple: true },
    html: { type: 'string' },
    json: { type: 'boolean' },
  });
  const guard = loadGuard(command, values.policy, io);
  if (typeof guard === 'number') return guard;
  const scope = {
    tenant: values.tenant,
    from: checkDate(values.from, '--from', command),
    to: checkDate(values.to, '--to', command),
  };
  const built = buildReport(
    await recordsFrom(values, positionals, io, command),
    scope,
    guard.policy.policy,
    new Date(),
  );
  await guard.close();
  if (values.html !== undefined) {
    const out = resolve(io.cwd, values.html);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, formatReportHtml(built));
  }
  io.stdout.write(
    values.json === true ? `${JSON.stringify(built, null, 2)}\n` : `${formatReportText(built)}\n`,
  );
  return EXIT.ok;
}
