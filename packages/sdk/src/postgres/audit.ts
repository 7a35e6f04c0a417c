import type { PoolClient } from 'pg';
import {
  asCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointReason,
} from '../audit/checkpoint.js';
import type { CheckpointSettings } from '../audit/checkpointer.js';
import type { AuditJournal, JournalLine } from '../audit/journal.js';
import { chainRecord, type AuditEntry, type AuditRecord, type ChainEnd } from '../audit/record.js';
import type { PgConnection } from './connection.js';

/** One tenant's chain as a verifier reads it from the database. */
export interface PgChain {
  lines: JournalLine[];
  head?: ChainEnd;
  checkpoints: Checkpoint[];
}

type Waiting = { entry: AuditEntry; resolve: (r: AuditRecord) => void; reject: (e: Error) => void };

/**
 * The audit trail on PostgreSQL: one hash chain per tenant ("" for the platform's own
 * records). Appends from any number of instances are serialised per tenant by a
 * transaction-scoped advisory lock, so the chain never forks; within a process, appends
 * waiting together go in one transaction per tenant. `audit_head` keeps each chain's last
 * seq and hash, so rows cut off the end are caught.
 */
export class PostgresAuditJournal implements AuditJournal {
  readonly #db: PgConnection;
  readonly #clock: () => Date;
  #queue: Waiting[] = [];
  #flushing: Promise<void> | undefined;
  #checkpoints: CheckpointSettings | undefined;
  /** Chains found with rows no checkpoint covers: said once, never signed over. */
  readonly #unvouched = new Set<string>();

  constructor(db: PgConnection, options: { clock?: () => Date } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? (() => new Date());
  }

  /**
   * Signs a checkpoint of the tenant's chain in every transaction that appends to it, so
   * every row an instance writes is covered the moment it commits: a row after the last
   * checkpoint was written by someone else. The guard calls this when it has a signing key.
   */
  checkpointWith(settings: CheckpointSettings): void {
    this.#checkpoints = settings;
  }

  append(entry: AuditEntry): Promise<AuditRecord> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#flushing ??= this.#flush();
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      const byTenant = new Map<string, Waiting[]>();
      for (const w of batch) {
        const tenant = w.entry.tenant ?? '';
        byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), w]);
      }
      for (const [tenant, waiting] of byTenant) {
        try {
          const records = await this.#appendChain(
            tenant,
            waiting.map((w) => w.entry),
          );
          waiting.forEach((w, i) => w.resolve(records[i]!));
        } catch (error) {
          for (const w of waiting) w.reject(error as Error);
        }
      }
    }
    this.#flushing = undefined;
  }

  /**
   * The checkpoint of an append, in its transaction. The chain must have stood at its last
   * checkpoint before this append; if rows came in between that no instance vouched for, it
   * is said (once) and nothing more is signed over them: verification points at the first.
   * A chain with no checkpoint yet (signing just turned on) is taken as it stands.
   */
  async #checkpointAppend(
    client: PoolClient,
    settings: CheckpointSettings,
    tenant: string,
    before: ChainEnd | undefined,
    after: ChainEnd,
  ): Promise<Checkpoint | undefined> {
    const s = this.#db.schema;
    const last = await lastCheckpoint(client, s, tenant);
    if (
      last !== undefined &&
      (last.seq !== (before?.seq ?? 0) || last.hash !== (before?.hash ?? ''))
    ) {
      if (!this.#unvouched.has(tenant)) {
        this.#unvouched.add(tenant);
        settings.logger?.error(
          { dpa: { audit: { tenant, checkpointed: last.seq, records: before?.seq ?? 0 } } },
          'dpa-guard audit chain holds rows no signed checkpoint covers: they were not written by the guard; run dpa-guard audit verify --db',
        );
      }
      return undefined;
    }
    return insertCheckpoint(
      client,
      s,
      settings,
      tenant,
      after,
      last,
      last === undefined ? 'open' : 'interval',
    );
  }

  #appendChain(tenant: string, entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    const s = this.#db.schema;
    const checkpoints: Checkpoint[] = [];
    return this.#db
      .transaction(async (client) => {
        await lockChain(client, s, tenant);
        const head = await client.query<{ seq: string; hash: string }>(
          `SELECT seq, hash FROM ${s}.audit_head WHERE tenant = $1`,
          [tenant],
        );
        let previous =
          head.rows[0] === undefined
            ? undefined
            : { seq: Number(head.rows[0].seq), hash: head.rows[0].hash };
        const before = previous;
        const records: AuditRecord[] = [];
        const now = this.#clock();
        for (const entry of entries) {
          const record = chainRecord(entry, previous, now);
          records.push(record);
          previous = { seq: record.seq, hash: record.hash };
        }
        const values = records
          .map((_, i) => `($1, $${String(i * 2 + 2)}, $${String(i * 2 + 3)})`)
          .join(', ');
        await client.query(`INSERT INTO ${s}.audit_log (tenant, seq, record) VALUES ${values}`, [
          tenant,
          ...records.flatMap((r) => [r.seq, JSON.stringify(r)]),
        ]);
        await client.query(
          `INSERT INTO ${s}.audit_head (tenant, seq, hash) VALUES ($1, $2, $3)
         ON CONFLICT (tenant) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash`,
          [tenant, previous!.seq, previous!.hash],
        );
        const settings = this.#checkpoints;
        if (settings !== undefined) {
          const checkpoint = await this.#checkpointAppend(
            client,
            settings,
            tenant,
            before,
            previous!,
          );
          if (checkpoint !== undefined) checkpoints.push(checkpoint);
        }
        return records;
      })
      .then((records) => {
        for (const c of checkpoints)
          for (const copy of this.#checkpoints?.copies ?? []) copy.publish(c);
        return records;
      });
  }

  async *records(): AsyncIterable<AuditRecord> {
    const { rows } = await (
      await this.#db.ready()
    ).query<{ record: AuditRecord }>(
      `SELECT record FROM ${this.#db.schema}.audit_log ORDER BY tenant, seq`,
    );
    for (const row of rows) yield row.record;
  }

  /**
   * Each tenant's chain as lines for `verifyChain`, in seq order, with its head. The
   * position of a record is its row in that chain.
   */
  async chains(tenant?: string): Promise<Map<string, PgChain>> {
    // Read only: verification never migrates (or otherwise changes) the database it checks.
    const pool = await this.#db.pool();
    const s = this.#db.schema;
    const filter = tenant === undefined ? '' : 'WHERE tenant = $1';
    const params = tenant === undefined ? [] : [tenant];
    const { rows } = await pool.query<{ tenant: string; record: AuditRecord | null }>(
      `SELECT tenant, record FROM ${s}.audit_log ${filter} ORDER BY tenant, seq`,
      params,
    );
    const heads = await pool.query<{ tenant: string; seq: string; hash: string }>(
      `SELECT tenant, seq, hash FROM ${s}.audit_head ${filter}`,
      params,
    );
    const saved = await pool.query<{ tenant: string; checkpoint: unknown }>(
      `SELECT tenant, checkpoint FROM ${s}.audit_checkpoint ${filter} ORDER BY tenant, id`,
      params,
    );
    const out = new Map<string, PgChain>();
    const chainOf = (name: string) => {
      let chain = out.get(name);
      if (chain === undefined) out.set(name, (chain = { lines: [], checkpoints: [] }));
      return chain;
    };
    for (const h of heads.rows) chainOf(h.tenant).head = { seq: Number(h.seq), hash: h.hash };
    for (const row of saved.rows) {
      // A row that is not a checkpoint stays in the list as one that cannot verify.
      chainOf(row.tenant).checkpoints.push(
        asCheckpoint(row.checkpoint) ?? ({ ...(row.checkpoint as object) } as Checkpoint),
      );
    }
    for (const row of rows) {
      const chain = chainOf(row.tenant);
      out.set(row.tenant, chain);
      chain.lines.push({
        file: `${s}.audit_log tenant "${row.tenant}"`,
        line: chain.lines.length + 1,
        text: JSON.stringify(row.record),
      });
    }
    return out;
  }

  async close(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    await Promise.all((this.#checkpoints?.copies ?? []).map((c) => c.close()));
  }
}

/** One chain at a time, across instances: the transaction holds the tenant's lock. */
async function lockChain(client: PoolClient, schema: string, tenant: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `dpa-guard audit ${schema} ${tenant}`,
  ]);
}

async function lastCheckpoint(
  client: PoolClient,
  schema: string,
  tenant: string,
): Promise<Checkpoint | undefined> {
  const { rows } = await client.query<{ checkpoint: unknown }>(
    `SELECT checkpoint FROM ${schema}.audit_checkpoint WHERE tenant = $1 ORDER BY id DESC LIMIT 1`,
    [tenant],
  );
  return asCheckpoint(rows[0]?.checkpoint);
}

async function insertCheckpoint(
  client: PoolClient,
  schema: string,
  settings: CheckpointSettings,
  tenant: string,
  end: ChainEnd | undefined,
  previous: Checkpoint | undefined,
  reason: CheckpointReason,
): Promise<Checkpoint> {
  const checkpoint = signCheckpoint(
    { origin: settings.origin, chain: tenant, end, time: settings.clock(), reason, previous },
    settings.key,
  );
  await client.query(
    `INSERT INTO ${schema}.audit_checkpoint (tenant, seq, checkpoint) VALUES ($1, $2, $3)`,
    [tenant, checkpoint.seq, JSON.stringify(checkpoint)],
  );
  return checkpoint;
}
