import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { runCapture } from '../../packages/sdk/src/cli/cli-harness.js';

/** The test database: DPA_GUARD_TEST_DATABASE_URL (`.ci/run` sets it). */
export const DATABASE_URL = process.env.DPA_GUARD_TEST_DATABASE_URL;

if (DATABASE_URL === undefined || DATABASE_URL === '') {
  process.stderr.write(
    '\n[dpa-guard] PostgreSQL store tests SKIPPED: DPA_GUARD_TEST_DATABASE_URL is not set.\n' +
      '            .ci/run sets it (postgres://postgres@127.0.0.1:5432/test); set it to run them here.\n\n',
  );
}

/** `describe` when a test database is configured, `describe.skip` otherwise. */
export const describePostgres = DATABASE_URL ? describe : describe.skip;

/** A schema of its own for each test file, dropped afterwards. */
export function testSchema(): { name: string; drop(): Promise<void> } {
  const name = `dpa_test_${randomBytes(4).toString('hex')}`;
  return {
    name,
    async drop() {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        // A session that is still ending (a killed process's) can hold a lock the drop
        // waits for; PostgreSQL then calls it a deadlock, and the next try goes through.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
            return;
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (attempt >= 10 || (code !== '40P01' && code !== '55P03')) throw error;
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs a `dpa-guard` command (`db migrate`, `audit verify`, …) against a test schema. */
export function cliOnSchema(schema: string, ...command: string[]) {
  return runCapture([...command, '--db', DATABASE_URL!, '--schema', schema]);
}
