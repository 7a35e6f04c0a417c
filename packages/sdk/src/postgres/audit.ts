import type { AuditJournal, JournalLine } from '../audit/journal.js';
import { chainRecord, type AuditEntry, type AuditRecord, type ChainEnd } from '../audit/record.js';
import type { PgConnection } from './connection.js';

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

  constructor(db: PgConnection, options: { clock?: () => Date } = {}) {
    this.#db = db;
    this.#clock = options.clock ?? (() => new Date());
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

  #appendChain(tenant: string, entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    const s = this.#db.schema;
    return this.#db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `dpa-guard audit ${s} ${tenant}`,
      ]);
      const head = await client.query<{ seq: string; hash: string }>(
        `SELECT seq, hash FROM ${s}.audit_head WHERE tenant = $1`,
        [tenant],
      );
      let previous =
        head.rows[0] === undefined
          ? undefined
          : { seq: Number(head.rows[0].seq), hash: head.rows[0].hash };
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
  async chains(tenant?: string): Promise<Map<string, { lines: JournalLine[]; head?: ChainEnd }>> {
    const pool = await this.#db.ready();
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
    const out = new Map<string, { lines: JournalLine[]; head?: ChainEnd }>();
    for (const h of heads.rows)
      out.set(h.tenant, { lines: [], head: { seq: Number(h.seq), hash: h.hash } });
    for (const row of rows) {
      const chain = out.get(row.tenant) ?? { lines: [] };
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
  }
}
