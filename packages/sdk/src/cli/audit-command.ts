import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readJournalLines } from '../audit/journal.js';
import { generateSigningKey } from '../audit/signing-key.js';
import { verifyCommand } from './audit-verify.js';
import type { AuditRecord } from '../audit/record.js';
import { buildReport, formatReportHtml, formatReportText, inScope } from '../audit/report.js';
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
  verify [DIR | --db URL [--tenant ID]] [--public-key FILE]... [--checkpoint FILE|DIR]... [--allow-empty] [--json]
                                          check the chain (in the database: each tenant's), its signed
                                          checkpoints and checkpoints kept outside; point at the first
                                          record altered, removed, reordered or appended (exit 1); say how
                                          many records stand after the last checkpoint. An empty or
                                          missing trail is an error unless --allow-empty
  keygen --out DIR                        make an Ed25519 key pair for signing checkpoints: DIR/audit-signing.pem
                                          (private, 0600; keep it outside the data directory) and
                                          DIR/audit-signing.pub (give it to auditors)
  export --tenant ID [--from D] [--to D] [--out FILE] [DIR]
                                          what that controller's auditor may see: its records
                                          as JSON Lines, and a summary on stderr (or FILE.summary.json)
  report [--tenant ID] [--from D] [--to D] [--policy FILE]... [--html FILE] [DIR]
                                          per tenant: processing per purpose, blocks per category,
                                          exceptions, transfers, breach signals and their deadlines,
                                          and the security measures in force

DIR defaults to $DPA_GUARD_DIR/audit, else .dpa-guard/audit. Dates are YYYY-MM-DD or ISO times.
--public-key defaults to the file $DPA_GUARD_AUDIT_PUBLIC_KEY names.`;

export async function auditCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand(
    'audit',
    HELP,
    { verify: verifyCommand, keygen, export: exportRecords, report },
    argv,
    io,
  );
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

/** Writes a new signing key pair; never overwrites a key. */
function keygen(argv: readonly string[], io: CliIo): ExitCode {
  const command = 'audit keygen';
  const { values, positionals } = parseCommandArgs(command, argv, { out: { type: 'string' } });
  if (values.out === undefined || positionals.length > 0)
    throw new UsageError(command, 'give --out DIR, a directory outside the audit data directory');
  const dir = resolve(io.cwd, values.out);
  const privatePath = join(dir, 'audit-signing.pem');
  const publicPath = join(dir, 'audit-signing.pub');
  const { privateKeyPem, publicKeyPem } = generateSigningKey();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(privatePath, privateKeyPem, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(command, `${privatePath} exists already; a key is never overwritten`);
    throw error;
  }
  writeFileSync(publicPath, publicKeyPem, { mode: 0o644 });
  io.stdout.write(
    `private key: ${privatePath} (0600: give the guard its path in audit.signing.keyFile, or its text in DPA_GUARD_AUDIT_SIGNING_KEY)
` +
      `public key:  ${publicPath} (for auditors: dpa-guard audit verify --public-key ${publicPath})
`,
  );
  return EXIT.ok;
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
