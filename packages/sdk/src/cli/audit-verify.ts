// `dpa-guard audit verify`: the chain, its signed checkpoints, and checkpoints from outside.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCheckpoints, type Checkpoint } from '../audit/checkpoint.js';
import { COPY_FILE } from '../audit/checkpoint-copies.js';
import { CHECKPOINT_FILE, readCheckpointLog } from '../audit/checkpointer.js';
import { readHead, readJournalLines } from '../audit/journal.js';
import { verifyingKeyFrom, type VerifyingKey } from '../audit/signing-key.js';
import { verifyTrail, type TrailEvidence, type TrailVerdict } from '../audit/verify.js';
import { DpaGuardError } from '../errors.js';
import { createPostgresStores } from '../postgres/index.js';
import { defaultDataDir } from '../storage/dirs.js';
import { parseCommandArgs } from './args.js';
import { databaseUrl } from './db-command.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

export const VERIFY_OPTIONS = {
  db: { type: 'string' },
  schema: { type: 'string' },
  tenant: { type: 'string' },
  'public-key': { type: 'string', multiple: true },
  checkpoint: { type: 'string', multiple: true },
  'allow-empty': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The environment variable naming the public key file when --public-key is not given. */
const PUBLIC_KEY_ENV = 'DPA_GUARD_AUDIT_PUBLIC_KEY';

export async function verifyCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = 'audit verify';
  const { values, positionals } = parseCommandArgs(command, argv, VERIFY_OPTIONS);
  const keys = publicKeys(values['public-key'], io, command);
  const anchors = outsideCheckpoints(values.checkpoint ?? [], io, command);
  if (anchors.length > 0 && keys.size === 0)
    throw new UsageError(
      command,
      `a checkpoint from outside proves something only with the public key that signed it; give --public-key FILE (or set ${PUBLIC_KEY_ENV})`,
    );
  const options = { keys, allowEmpty: values['allow-empty'] === true };
  const results: { where: string; chain: string; verdict: TrailVerdict }[] = [];
  if (values.db !== undefined) {
    const stores = createPostgresStores({
      connectionString: databaseUrl(values.db, io, command),
      ...(values.schema === undefined ? {} : { schema: values.schema }),
    });
    try {
      if (!(await stores.migrated())) {
        io.stdout.write(
          `BROKEN (database): not-migrated: schema ${values.schema ?? 'dpa_guard'} has no dpa-guard audit tables (never migrated, the wrong --schema, or dropped): there is no trail to verify\n`,
        );
        return EXIT.failed;
      }
      const chains = await stores.audit.chains(values.tenant);
      const names = new Set([...chains.keys(), ...anchors.map((a) => a.chain)]);
      if (values.tenant !== undefined) names.add(values.tenant);
      for (const name of [...names].sort()) {
        if (values.tenant !== undefined && name !== values.tenant) continue;
        const chain = chains.get(name) ?? { lines: [], checkpoints: [] };
        const evidence: TrailEvidence = {
          chain: name,
          lines: chain.lines,
          head: chain.head,
          checkpoints: chain.checkpoints,
          checkpointSource: `audit_checkpoint tenant "${name}"`,
        };
        results.push({
          where: `tenant "${name}"`,
          chain: name,
          verdict: verifyTrail(evidence, {
            ...options,
            anchors: anchors.filter((a) => a.chain === name),
            unanchoredTail: 'none',
          }),
        });
      }
      if (names.size === 0)
        results.push({
          where: `database ${values.schema ?? 'dpa_guard'}`,
          chain: '',
          verdict: verifyTrail(
            { chain: '', lines: [], checkpoints: [], checkpointSource: 'audit_log' },
            { ...options, anchors: [], unanchoredTail: 'none' },
          ),
        });
    } finally {
      await stores.close();
    }
  } else {
    if (positionals.length > 1) throw new UsageError(command, 'give one journal directory');
    const dir =
      positionals[0] === undefined
        ? defaultDataDir(io.cwd, io.env, 'audit')
        : resolve(io.cwd, positionals[0]);
    const log = readCheckpointLog(dir);
    results.push({
      where: dir,
      chain: '',
      verdict:
        log.unreadable > 0
          ? {
              valid: false,
              records: 0,
              signed: keys.size > 0,
              checkpoints: log.checkpoints.length,
              anchoredSeq: 0,
              unanchored: 0,
              anchorsConfirmed: 0,
              adopted: 0,
              problem: {
                kind: 'forged-checkpoint',
                where: join(dir, CHECKPOINT_FILE),
                detail: `${String(log.unreadable)} line(s) are not checkpoints: the file was tampered with`,
              },
            }
          : verifyTrail(
              {
                chain: '',
                lines: readJournalLines(dir),
                head: readHead(dir),
                checkpoints: log.checkpoints,
                checkpointSource: join(dir, CHECKPOINT_FILE),
              },
              {
                ...options,
                anchors: anchors.filter((a) => a.chain === ''),
                unanchoredTail: 'interval',
              },
            ),
    });
  }
  if (values.json === true) io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) io.stdout.write(describe(r.where, r.verdict, anchors.length));
  if (keys.size === 0 && values.json !== true)
    io.stderr.write(
      `dpa-guard audit verify: signatures NOT checked, so a rewrite by someone with write access goes unseen; give --public-key FILE (or set ${PUBLIC_KEY_ENV}), and --checkpoint with a copy kept outside the data directory.\n`,
    );
  return results.every((r) => r.verdict.valid) ? EXIT.ok : EXIT.failed;
}

function describe(where: string, v: TrailVerdict, anchorsGiven: number): string {
  if (!v.valid) {
    const p = v.problem!;
    return `BROKEN (${where}): ${p.kind} at ${p.where}: ${p.detail}\n`;
  }
  const lines = [`valid: ${String(v.records)} record(s) in one unbroken chain (${where})`];
  if (v.signed && v.anchoredBy !== undefined)
    lines.push(
      `  signed: ${String(v.checkpoints)} checkpoint(s) by key ${v.anchoredBy.keyId}; records 1–${String(v.anchoredSeq)} anchored by the checkpoint of ${v.anchoredBy.time} (${v.anchoredBy.reason})`,
      `  outside: ${anchorsGiven === 0 ? 'no checkpoint from outside given (--checkpoint): a trail cut back to an earlier checkpoint would not show' : `${String(v.anchorsConfirmed)} checkpoint(s) from outside matched`}`,
      `  unanchored: ${String(v.unanchored)} record(s) after the last checkpoint`,
    );
  else if (v.signed) lines.push('  empty: no records and no checkpoints (--allow-empty)');
  else
    lines.push(`  unsigned: ${String(v.checkpoints)} checkpoint(s) read, signatures not checked`);
  if (v.adopted > 0)
    lines.push(
      `  note: ${String(v.adopted)} record(s) stood after a checkpoint when the journal reopened without having closed (a crash?) and were taken on as found`,
    );
  return `${lines.join('\n')}\n`;
}

/** Public keys by id from --public-key files, else the file $DPA_GUARD_AUDIT_PUBLIC_KEY names. */
function publicKeys(
  files: readonly string[] | undefined,
  io: CliIo,
  command: string,
): Map<string, VerifyingKey> {
  const given = files ?? (io.env[PUBLIC_KEY_ENV] === undefined ? [] : [io.env[PUBLIC_KEY_ENV]]);
  const keys = new Map<string, VerifyingKey>();
  for (const file of given) {
    if (file === '') continue;
    const path = resolve(io.cwd, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(command, `cannot read the public key ${file}`);
    }
    try {
      const key = verifyingKeyFrom(text, file);
      keys.set(key.keyId, key);
    } catch (error) {
      if (error instanceof DpaGuardError) throw new UsageError(command, error.message);
      throw error;
    }
  }
  return keys;
}

/** Checkpoints from outside: files (one, a list, JSON Lines, a hook's event) or copy directories. */
function outsideCheckpoints(paths: readonly string[], io: CliIo, command: string): Checkpoint[] {
  const out: Checkpoint[] = [];
  for (const given of paths) {
    let path = resolve(io.cwd, given);
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, COPY_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(command, `cannot read the checkpoint ${given}`);
    }
    const { checkpoints, unreadable } = parseCheckpoints(text);
    if (checkpoints.length === 0 || unreadable > 0)
      throw new UsageError(
        command,
        `${given} holds ${unreadable > 0 ? `${String(unreadable)} value(s) that are not checkpoints` : 'no checkpoint'}; give a checkpoint file, a copy directory or a saved audit.checkpoint event`,
      );
    out.push(...checkpoints);
  }
  return out;
}
