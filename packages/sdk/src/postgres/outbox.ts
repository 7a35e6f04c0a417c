import { randomUUID } from 'node:crypto';
import type { PoolClient, QueryResultRow } from 'pg';
import type { BreachOutbox, DeliveryState, OutboxEntry } from '../breach/outbox.js';
import type { BreachSignal } from '../breach/signal.js';
import type { PgConnection } from './connection.js';

interface Row extends QueryResultRow {
  id: string;
  signal: BreachSignal;
  escalated_at: string | null;
  deliveries: Record<string, DeliveryState> | null;
}

/**
 * The breach outbox on PostgreSQL, shared by any number of instances: signals are rows,
 * delivery states rows beside them. `claim` leases open signals to one instance with
 * `FOR UPDATE SKIP LOCKED`, so two instances never deliver the same signal at once; a lease
 * lapses after `leaseMs` when its instance dies. The deadline clock runs where the session
 * advisory lock is held: one instance, and another when that one's connection goes.
 */
export class PostgresOutbox implements BreachOutbox {
  readonly #db: PgConnection;
  readonly #leaseMs: number;
  readonly #instance = randomUUID();
  #leaderClient: PoolClient | undefined;

  constructor(db: PgConnection, options: { leaseMs?: number } = {}) {
    this.#db = db;
    this.#leaseMs = options.leaseMs ?? 60_000;
  }

  async add(signal: BreachSignal, transaction?: unknown): Promise<void> {
    const sql = `INSERT INTO ${this.#db.schema}.breach_outbox (id, signal) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`;
    const params = [signal.id, JSON.stringify(signal)];
    if (transaction !== undefined) {
      // The caller's client, inside its transaction (the transactional outbox pattern).
      await this.#db.ready();
      await (transaction as PoolClient).query(sql, params);
      return;
    }
    await (await this.#db.ready()).query(sql, params);
  }

  async setDelivery(id: string, hook: string, state: DeliveryState): Promise<void> {
    await (
      await this.#db.ready()
    ).query(
      `INSERT INTO ${this.#db.schema}.breach_delivery (signal_id, hook, state) VALUES ($1, $2, $3)
       ON CONFLICT (signal_id, hook) DO UPDATE SET state = EXCLUDED.state`,
      [id, hook, JSON.stringify(state)],
    );
  }

  async setEscalated(id: string, at: string): Promise<void> {
    await (
      await this.#db.ready()
    ).query(
      `UPDATE ${this.#db.schema}.breach_outbox SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL`,
      [id, at],
    );
  }

  async entries(): Promise<OutboxEntry[]> {
    const { rows } = await (
      await this.#db.ready()
    ).query<Row>(`${this.#select()} GROUP BY o.id ORDER BY o.created_at, o.id`);
    return rows.map(entryOf);
  }

  async claim(limit: number): Promise<OutboxEntry[]> {
    const s = this.#db.schema;
    return this.#db.transaction(async (client) => {
      const claimed = await client.query<{ id: string }>(
        `UPDATE ${s}.breach_outbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
         WHERE id IN (
           SELECT id FROM ${s}.breach_outbox
           WHERE NOT done AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [this.#instance, this.#leaseMs, limit],
      );
      if (claimed.rows.length === 0) return [];
      const { rows } = await client.query<Row>(
        `${this.#select()} WHERE o.id = ANY($1) GROUP BY o.id ORDER BY o.created_at, o.id`,
        [claimed.rows.map((r) => r.id)],
      );
      return rows.map(entryOf);
    });
  }

  async release(ids: readonly string[]): Promise<void> {
    await (
      await this.#db.ready()
    ).query(
      `UPDATE ${this.#db.schema}.breach_outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ANY($1) AND claimed_by = $2`,
      [ids, this.#instance],
    );
  }

  async markDone(id: string): Promise<void> {
    await (
      await this.#db.ready()
    ).query(`UPDATE ${this.#db.schema}.breach_outbox SET done = true WHERE id = $1`, [id]);
  }

  async isLeader(): Promise<boolean> {
    if (this.#leaderClient !== undefined) return true;
    const client = await (await this.#db.ready()).connect();
    let leader = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [`dpa-guard deadline clock ${this.#db.schema}`],
      );
      leader = rows[0]?.ok === true;
    } finally {
      if (!leader) client.release();
    }
    if (!leader) return false;
    // Held for as long as this instance lives; a lost connection (a database restart)
    // gives the clock up, for this or another instance to take on its next pass.
    client.on('error', () => {
      if (this.#leaderClient === client) this.#leaderClient = undefined;
      client.release(true);
    });
    this.#leaderClient = client;
    return true;
  }

  async compact(isDone: (entry: OutboxEntry) => boolean): Promise<void> {
    const done = (await this.entries()).filter(isDone).map((e) => e.signal.id);
    if (done.length > 0)
      await (
        await this.#db.ready()
      ).query(`DELETE FROM ${this.#db.schema}.breach_outbox WHERE id = ANY($1)`, [done]);
  }

  async close(): Promise<void> {
    if (this.#leaderClient !== undefined) {
      await this.#leaderClient
        .query('SELECT pg_advisory_unlock(hashtext($1))', [
          `dpa-guard deadline clock ${this.#db.schema}`,
        ])
        .catch(() => undefined);
      this.#leaderClient.release();
      this.#leaderClient = undefined;
    }
  }

  #select(): string {
    const s = this.#db.schema;
    return `SELECT o.id, o.signal, o.escalated_at,
              jsonb_object_agg(d.hook, d.state) FILTER (WHERE d.hook IS NOT NULL) AS deliveries
            FROM ${s}.breach_outbox o LEFT JOIN ${s}.breach_delivery d ON d.signal_id = o.id`;
  }
}

function entryOf(row: Row): OutboxEntry {
  return {
    signal: row.signal,
    deliveries: row.deliveries ?? {},
    ...(row.escalated_at === null ? {} : { escalatedAt: row.escalated_at }),
  };
}
