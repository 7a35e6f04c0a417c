import { readFileSync, readdirSync } from 'node:fs';
import type * as Pg from 'pg';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { DpaGuardError } from '../errors.js';

/** How to reach PostgreSQL: a pool the platform already has, or a connection string. */
export interface PostgresConnection {
  pool?: Pool;
  connectionString?: string;
  /** The schema holding dpa-guard's tables. Default `dpa_guard`. */
  schema?: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A lazily opened pool and the quoted schema name. `pg` is an optional peer dependency,
 * imported only when a PostgreSQL store is first used.
 */
export class PgConnection {
  readonly schema: string;
  readonly #given: Pool | undefined;
  readonly #config: PoolConfig | undefined;
  #pool: Promise<Pool> | undefined;
  #migrated: Promise<void> | undefined;

  constructor(connection: PostgresConnection) {
    const schema = connection.schema ?? 'dpa_guard';
    if (!SCHEMA.test(schema))
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        `PostgreSQL schema "${schema}": use lower-case letters, digits and underscores.`,
      );
    if (connection.pool === undefined && connection.connectionString === undefined)
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        'createPostgresStores(): give a pool or a connectionString (such as DATABASE_URL).',
      );
    this.schema = `"${schema}"`;
    this.#given = connection.pool;
    this.#config =
      connection.connectionString === undefined
        ? undefined
        : { connectionString: connection.connectionString, max: 5 };
  }

  pool(): Promise<Pool> {
    this.#pool ??= (async () => {
      if (this.#given !== undefined) return this.#given;
      let pg: typeof Pg;
      try {
        pg = (await import('pg')).default as unknown as typeof Pg;
      } catch {
        throw new DpaGuardError(
          'DPA_ERR_INVALID_OPTIONS',
          'The PostgreSQL stores need the "pg" package: npm install pg',
        );
      }
      const pool = new pg.Pool(this.#config);
      // An idle client that loses its server must not crash the process.
      pool.on('error', () => undefined);
      return pool;
    })();
    return this.#pool;
  }

  /** Applies the migrations once per process (idempotent and safe across instances). */
  ready(): Promise<Pool> {
    // A failure (the database not up yet) is not kept: the next use tries again.
    this.#migrated ??= this.pool()
      .then((pool) => migrate(pool, this.schema))
      .then(
        () => undefined,
        (error: unknown) => {
          this.#migrated = undefined;
          throw error;
        },
      );
    return this.#migrated.then(() => this.pool());
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await (await this.ready()).connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Ends the pool if dpa-guard opened it (a platform's own pool stays open). */
  async end(): Promise<void> {
    if (this.#pool === undefined || this.#given !== undefined) return;
    await (await this.#pool).end();
  }
}

/** The migration files shipped in the package, in order: `NNN_name.sql`. */
function migrationFiles(): { version: number; name: string; sql: string }[] {
  const dir = new URL('../../migrations/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f,
      sql: readFileSync(new URL(f, dir), 'utf8'),
    }));
}

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory
 * lock so instances starting together take turns. Returns the versions applied now.
 */
export async function migrate(pool: Pool, schema: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`dpa-guard migrate ${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (
        await client.query<{ version: number }>(`SELECT version FROM ${schema}.migrations`)
      ).rows.map((r) => r.version),
    );
    const applied: string[] = [];
    for (const m of migrationFiles()) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql.replaceAll('${schema}', schema));
        await client.query(`INSERT INTO ${schema}.migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ]);
        await client.query('COMMIT');
        applied.push(m.name);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return applied;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`dpa-guard migrate ${schema}`])
      .catch(() => undefined);
    client.release();
  }
}
