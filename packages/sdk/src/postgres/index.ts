import type { Pool } from 'pg';
import { PostgresAuditJournal } from './audit.js';
import { migrate, PgConnection, type PostgresConnection } from './connection.js';
import { PostgresOutbox } from './outbox.js';

export interface PostgresStores {
  /** Pass as `createGuard({ breach: { outbox } })`. */
  outbox: PostgresOutbox;
  /** Pass as `createGuard({ audit: { journal } })`. */
  audit: PostgresAuditJournal;
  /** Applies the migrations now (they are also applied on first use). */
  migrate(): Promise<string[]>;
  /** Whether the audit tables are there (the schema was migrated); changes nothing. */
  migrated(): Promise<boolean>;
  /** Ends the pool if dpa-guard opened it. */
  close(): Promise<void>;
}

/**
 * The breach outbox and the audit trail on PostgreSQL, for platforms running many
 * instances. Nothing connects until first use.
 *
 * @example
 * ```ts
 * const stores = createPostgresStores({ connectionString: process.env.DATABASE_URL });
 * const guard = createGuard({ breach: { outbox: stores.outbox }, audit: { journal: stores.audit } });
 * ```
 */
export function createPostgresStores(
  options: PostgresConnection & { leaseMs?: number; clock?: () => Date },
): PostgresStores {
  const db = new PgConnection(options);
  const outbox = new PostgresOutbox(
    db,
    options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs },
  );
  const audit = new PostgresAuditJournal(
    db,
    options.clock === undefined ? {} : { clock: options.clock },
  );
  return {
    outbox,
    audit,
    migrate: async () => migrate(await db.pool(), db.schema),
    async migrated() {
      const { rows } = await (
        await db.pool()
      ).query<{ log: string | null; checkpoints: string | null }>(
        'SELECT to_regclass($1) AS log, to_regclass($2) AS checkpoints',
        [`${db.schema}.audit_log`, `${db.schema}.audit_checkpoint`],
      );
      return rows[0]?.log != null && rows[0].checkpoints != null;
    },
    async close() {
      await outbox.close();
      await audit.close();
      await db.end();
    },
  };
}

export type { PostgresConnection };
export type { Pool };
