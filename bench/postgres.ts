// PostgreSQL audit trail throughput (issue 8): records per second appended to one tenant's
// chain from 1 and from 4 processes, against the database in DPA_GUARD_TEST_DATABASE_URL
// or DATABASE_URL, in a schema of its own that is dropped afterwards.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPostgresStores } from '@dpa-guard/sdk';
import pg from 'pg';

const RECORDS = 2000;

/** Child process entry: append `count` records to tenant "bench", 50 in flight at a time. */
async function write(url: string, schema: string, count: number): Promise<void> {
  const stores = createPostgresStores({ connectionString: url, schema });
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(
      stores.audit.append({
        kind: 'inspection',
        tenant: 'bench',
        purpose: 'provide',
        decision: 'pass',
      }),
    );
    if (pending.length >= 50) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await stores.close();
}

async function run(url: string, schema: string, processes: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: processes }, () => {
      const child = fork(fileURLToPath(import.meta.url), [
        '--write',
        url,
        schema,
        String(RECORDS / processes),
      ]);
      return new Promise<void>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`writer exited with ${String(code)}`)),
        ),
      );
    }),
  );
  return RECORDS / ((performance.now() - started) / 1000);
}

export async function benchPostgres(): Promise<string> {
  const url = process.env.DPA_GUARD_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url === undefined || url === '')
    return 'PostgreSQL audit trail: skipped (set DPA_GUARD_TEST_DATABASE_URL or DATABASE_URL).';
  const schema = `dpa_bench_${randomBytes(4).toString('hex')}`;
  const stores = createPostgresStores({ connectionString: url, schema });
  await stores.migrate();
  await stores.close();
  try {
    const one = await run(url, schema, 1);
    const four = await run(url, schema, 4);
    return [
      `PostgreSQL audit trail: ${String(RECORDS)} records to one tenant chain, per run (process start included)`,
      '',
      'writers      records/s',
      `1 process   ${one.toFixed(0).padStart(10)}`,
      `4 processes ${four.toFixed(0).padStart(10)}   (${(four / one).toFixed(2)}x; appends to one chain are serialised)`,
    ].join('\n');
  } finally {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

const at = process.argv.indexOf('--write');
if (at >= 0)
  await write(process.argv[at + 1]!, process.argv[at + 2]!, Number(process.argv[at + 3]));
