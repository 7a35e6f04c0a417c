// How a guard's stores are chosen and wired: the breach outbox and its delivery, the audit
// trail, the pseudonym key; files by default, PostgreSQL when configured.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { directoryCopy, hookCopy, type CheckpointCopy } from './audit/checkpoint-copies.js';
import { FileCheckpoints, type CheckpointSettings } from './audit/checkpointer.js';
import { FileAuditJournal, type AuditJournal } from './audit/journal.js';
import { DEFAULT_SIGNING_KEY_ENV, loadSigningKey } from './audit/signing-key.js';
import type { AuditEntry } from './audit/record.js';
import { FileOutbox } from './breach/file-outbox.js';
import { BreachService } from './breach/service.js';
import type { BreachSignal, SignalScreen } from './breach/signal.js';
import type { TenantIds } from './policy/tenant-id.js';
import { DpaGuardError } from './errors.js';
import type { Guard } from './guard.js';
import type { CheckedOptions } from './guard-options.js';
import type { PolicyRuntime } from './policy/runtime.js';
import type { Policy, StoreSettings } from './policy/types.js';
import { createPostgresStores } from './postgres/index.js';
import { defaultDataDir } from './storage/dirs.js';
import { sharedByKey } from './storage/shared.js';

/** The durable outbox; delivery resumes at once when a journal from before is there. */
export function createBreachService(
  settings: CheckedOptions,
  runtime: PolicyRuntime,
  audit: GuardAudit | undefined,
  screen: SignalScreen,
): BreachService {
  const dir =
    settings.breach.dir === undefined
      ? defaultDataDir(process.cwd(), process.env, 'breach')
      : resolve(settings.breach.dir);
  const service = new BreachService({
    outbox: settings.breach.outbox ?? sharedByKey(`outbox:${dir}`, () => new FileOutbox(dir)),
    settings: () => runtime.current.policy.breach,
    clock: settings.clock,
    screen,
    requestsDir: join(dir, 'retry-requests'),
    ...(settings.breach.hooks === undefined ? {} : { functionHooks: settings.breach.hooks }),
    ...(settings.breach.env === undefined ? {} : { env: settings.breach.env }),
    ...(settings.breach.compactAfter === undefined
      ? {}
      : { compactAfter: settings.breach.compactAfter }),
    logger: settings.logger,
    onRecorded: (signal) => void audit?.record(breachRecord(signal)),
    onDelivered: (signal, hook, at) =>
      void audit?.record({
        kind: 'breach-delivered',
        tenant: signal.tenants[0],
        time: at.toISOString(),
        decision: 'delivered',
        details: {
          signalId: signal.id,
          hook: hook.name,
          role: hook.role,
          deadline: signal.deadline,
        },
      }),
  });
  const resumable = settings.breach.outbox !== undefined || existsSync(join(dir, 'outbox.jsonl'));
  if (settings.breach.deliver !== false && resumable) service.start();
  return service;
}

export type GuardAudit = NonNullable<Guard['audit']> & {
  /**
   * Records an entry without a promise of its own: resolves (never rejects; failures are
   * logged once per batch) with every other record of its batch, once they are durable.
   */
  note(entry: AuditEntry): Promise<void>;
};

/**
 * The key that turns subject ids into pseudonyms in the audit trail: DPA_GUARD_PSEUDONYM_KEY
 * (the same on every instance that shares a trail), else a random key kept beside the
 * embedded journal (created once, readable by this user only).
 */
export function pseudonymKey(settings: CheckedOptions): () => Buffer {
  let key: Buffer | undefined;
  return () => {
    if (key !== undefined) return key;
    const given = process.env.DPA_GUARD_PSEUDONYM_KEY;
    if (given !== undefined && given !== '') return (key = Buffer.from(given));
    const dir =
      settings.audit.dir === undefined
        ? defaultDataDir(process.cwd(), process.env, 'audit')
        : resolve(settings.audit.dir);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'pseudonym.key');
    try {
      writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return (key = Buffer.from(readFileSync(path, 'utf8').trim()));
  };
}

/**
 * PostgreSQL stores when chosen: by the policy's `stores` section, else by a DATABASE_URL
 * in the environment. Directories given in code keep the file journals.
 */
export function postgresStores(
  settings: CheckedOptions,
  chosen: StoreSettings | undefined,
): ReturnType<typeof createPostgresStores> | undefined {
  if (settings.explicitFiles || chosen?.kind === 'file') return undefined;
  if (chosen?.kind === 'postgres') {
    const name = chosen.databaseUrlEnv ?? 'DATABASE_URL';
    const url = process.env[name];
    if (url === undefined || url === '')
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        `the policy keeps its stores on PostgreSQL, but the environment variable ${name} (the database URL) is not set.`,
      );
    return createPostgresStores({
      connectionString: url,
      clock: settings.clock,
      ...(chosen.schema === undefined ? {} : { schema: chosen.schema }),
    });
  }
  return settings.databaseUrl === undefined
    ? undefined
    : createPostgresStores({ connectionString: settings.databaseUrl, clock: settings.clock });
}

function fileJournal(
  dir: string,
  clock: () => Date,
  maxFileBytes: number | undefined,
  checkpoints: CheckpointSettings | undefined,
): AuditJournal {
  return sharedByKey(
    `audit:${dir}`,
    () =>
      new FileAuditJournal(dir, {
        clock,
        ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
        ...(checkpoints === undefined
          ? {}
          : { checkpoints: new FileCheckpoints(dir, checkpoints) }),
      }),
  );
}

/**
 * How the trail is checkpointed: the signing key (given in code, a file the policy names, or
 * the environment), how often, and the copies out of the box. Undefined without a key; a
 * policy that requires one stops the guard here, at start-up, with what to do.
 */
export function checkpointSettings(
  settings: CheckedOptions,
  runtime: PolicyRuntime,
  dir: string | undefined,
): CheckpointSettings | undefined {
  const policy: Policy = runtime.current.policy;
  const { signing, checkpoints, origin } = policy.audit;
  const key = loadSigningKey({
    given: settings.audit.signingKey,
    file: signing.keyFile,
    envName: signing.keyEnv,
    env: process.env,
    dataDir: dir,
  });
  if (key === undefined) {
    if (signing.required)
      throw new DpaGuardError(
        'DPA_ERR_AUDIT_KEY_MISSING',
        `the policy requires signed audit checkpoints (audit.signing.required), but no signing key was found: set the environment variable ${signing.keyEnv ?? DEFAULT_SIGNING_KEY_ENV}${signing.keyFile === undefined ? ' or name a file in audit.signing.keyFile' : ''} (make a key pair with "npx dpa-guard audit keygen --out <dir outside the data directory>").`,
      );
    return undefined;
  }
  const copies: CheckpointCopy[] = [];
  if (checkpoints.copyDir !== undefined)
    copies.push(directoryCopy(resolve(checkpoints.copyDir), key.publicKeyPem, settings.logger));
  if (checkpoints.toHooks)
    copies.push(
      hookCopy(
        () => runtime.current.policy.breach.hooks,
        {
          env: settings.breach.env ?? process.env,
          clock: settings.clock,
          fetch: (...args) => globalThis.fetch(...args),
        },
        settings.logger,
      ),
    );
  return {
    key,
    origin,
    everyRecords: checkpoints.everyRecords,
    everyMs: checkpoints.everySeconds * 1000,
    clock: settings.clock,
    copies,
    logger: settings.logger,
  };
}

/** The audit trail; the file journal opens (and creates its directory) on the first record. */
export function createAudit(
  settings: CheckedOptions,
  runtime: PolicyRuntime,
  tenants: TenantIds,
): GuardAudit | undefined {
  const options = settings.audit;
  if (options.enabled === false) return undefined;
  const dir =
    options.journal !== undefined
      ? undefined
      : options.dir === undefined
        ? defaultDataDir(process.cwd(), process.env, 'audit')
        : resolve(options.dir);
  const checkpoints = checkpointSettings(settings, runtime, dir);
  const journal =
    options.journal ?? fileJournal(dir!, settings.clock, options.maxFileBytes, checkpoints);
  if (checkpoints !== undefined && options.journal?.checkpointWith !== undefined)
    options.journal.checkpointWith(checkpoints);
  const failed = (error: unknown) => {
    settings.logger?.error(
      { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
      'dpa-guard could not write an audit record',
    );
    return undefined;
  };
  // Whatever a caller puts in an entry, a tenant id that holds data never becomes a record
  // (a record cannot be removed without breaking the chain): it is left out, and said so.
  const admitted = (entry: AuditEntry): AuditEntry =>
    entry.tenant === undefined || tenants.problem(entry.tenant) === undefined
      ? entry
      : { ...entry, tenant: undefined, details: { ...entry.details, tenantRefused: true } };
  const record = (given: AuditEntry) => {
    const entry = admitted(given);
    try {
      return journal.append(entry).catch(failed);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  };
  // The batch being filled, and its promise with failures logged once for all its records.
  let batch: { written: Promise<void>; settled: Promise<void> } | undefined;
  const note = (given: AuditEntry): Promise<void> => {
    const entry = admitted(given);
    if (journal.enqueue === undefined) return record(entry).then(() => undefined);
    let written: Promise<void>;
    try {
      written = journal.enqueue(entry);
    } catch (error) {
      failed(error);
      return Promise.resolve();
    }
    if (batch?.written !== written)
      batch = { written, settled: Promise.resolve(written).then(() => undefined, failed) };
    return batch.settled;
  };
  return { journal, record, note };
}

/** A breach signal's record: its id, kind and deadline; the signal itself is in the outbox. */
export function breachRecord(signal: BreachSignal): AuditEntry {
  return {
    kind: 'breach-signal',
    tenant: signal.tenants[0],
    time: signal.discoveredAt,
    categories: signal.categories,
    decision: 'signalled',
    policyVersion: signal.policyVersion,
    details: {
      signalId: signal.id,
      kind: signal.kind,
      deadline: signal.deadline,
      tenants: signal.tenants,
    },
  };
}
