import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGuard, createPostgresStores, type BreachSignal } from '@dpa-guard/sdk';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { cliOnSchema, DATABASE_URL, describePostgres, testSchema } from './support.js';

describePostgres('PostgreSQL stores', () => {
  const schema = testSchema();
  afterAll(() => schema.drop());

  it('migrates idempotently, also from several instances at once', async () => {
    const many = [1, 2, 3].map(() =>
      createPostgresStores({ connectionString: DATABASE_URL!, schema: schema.name }),
    );
    const applied = await Promise.all(many.map((s) => s.migrate()));
    expect(applied.flat()).toEqual(['001_stores.sql', '002_audit_checkpoints.sql']);
    await Promise.all(many.map((s) => s.close()));
    const cli = await cliOnSchema(schema.name, 'db', 'migrate');
    expect([cli.code, cli.stdout]).toEqual([0, 'Up to date: no migration to apply.\n']);
  });

  it('leases each signal to one instance at a time, and lets a lapsed lease go', async () => {
    const a = createPostgresStores({
      connectionString: DATABASE_URL!,
      schema: schema.name,
      leaseMs: 300,
    });
    const b = createPostgresStores({
      connectionString: DATABASE_URL!,
      schema: schema.name,
      leaseMs: 300,
    });
    const signal = (n: number) =>
      ({
        id: `brs_lease_${String(n)}`,
        kind: 'manual',
        tenants: ['acme'],
        nature: 'x',
        categories: [],
        discoveredAt: new Date().toISOString(),
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
      }) as BreachSignal;
    for (let i = 0; i < 10; i++) await a.outbox.add(signal(i));
    const [first, second] = await Promise.all([a.outbox.claim(6), b.outbox.claim(6)]);
    const ids = [...first, ...second]
      .map((e) => e.signal.id)
      .filter((id) => id.startsWith('brs_lease_'));
    expect(new Set(ids).size).toBe(ids.length); // never the same signal twice
    expect(ids).toHaveLength(10);
    expect(await b.outbox.claim(10)).toEqual([]); // all leased
    await new Promise((r) => setTimeout(r, 400));
    expect((await b.outbox.claim(10)).length).toBe(10); // a's leases lapsed
    expect([await a.outbox.isLeader(), await b.outbox.isLeader()].filter(Boolean)).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('delivers a signal raised in a transaction that commits, never one that rolls back', async () => {
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume();
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook`;
    const stores = createPostgresStores({ connectionString: DATABASE_URL!, schema: schema.name });
    const guard = createGuard({
      policy: [
        { name: 'p.json', document: { version: 'tx-1', breach: { hooks: { primary: { url } } } } },
      ],
      breach: { outbox: stores.outbox, deliver: false, logger: false },
      audit: { journal: stores.audit },
    });
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      await client.query('BEGIN');
      const rolledBack = await guard.signalBreach({
        kind: 'manual',
        tenants: ['acme'],
        nature: 'Export sent to the wrong customer.',
        categories: [],
        client,
      });
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      const committed = await guard.signalBreach({
        kind: 'manual',
        tenants: ['acme'],
        nature: 'Export sent to the wrong customer.',
        categories: [],
        client,
      });
      await client.query('COMMIT');
      await guard.breaches!.runOnce();
      expect(received).toContain(committed.id);
      expect(received).not.toContain(rolledBack.id);
      expect((await stores.outbox.entries()).map((e) => e.signal.id)).not.toContain(rolledBack.id);
    } finally {
      await client.end();
      await guard.close();
      await stores.close();
      receiver.close();
    }
  });
});

describePostgres("the policy's stores section selects PostgreSQL", () => {
  const schema = testSchema();
  afterAll(() => schema.drop());

  it('keeps signals and records in the database the environment names', async () => {
    process.env.DPA_TEST_DB = DATABASE_URL;
    const guard = createGuard({
      policy: [
        {
          name: 'p.json',
          document: {
            version: 'st-1',
            stores: { kind: 'postgres', databaseUrlEnv: 'DPA_TEST_DB', schema: schema.name },
          },
        },
      ],
      breach: { deliver: false, logger: false },
    });
    try {
      const signal = await guard.signalBreach({
        kind: 'manual',
        tenants: ['acme'],
        nature: 'A test.',
        categories: [],
      });
      expect((await guard.breaches!.list()).map((s) => s.id)).toEqual([signal.id]);
      const verify = await cliOnSchema(schema.name, 'audit', 'verify');
      expect(verify.stdout).toContain('valid: 1 record(s) in one unbroken chain (tenant "acme")');
    } finally {
      await guard.close();
      delete process.env.DPA_TEST_DB;
    }
  });
});
