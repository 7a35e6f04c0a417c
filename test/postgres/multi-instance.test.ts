import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliOnSchema, DATABASE_URL, describePostgres, testSchema } from './support.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const children: ChildProcess[] = [];

function start(file: string, args: string[]) {
  const child = fork(fixture(file), args, { stdio: 'ignore' });
  children.push(child);
  return {
    child,
    message: new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`${file} exited with ${String(code)}`)));
    }),
  };
}

async function until(condition: () => boolean, what: string, ms = 30_000) {
  for (let waited = 0; !condition(); waited += 25) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills every instance still running and waits until each has exited. */
async function stopAll() {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

afterAll(stopAll);

describePostgres('three instances share one outbox; one is killed mid-delivery', () => {
  const schema = testSchema();
  const unique = new Set<string>();
  const inFlight = new Set<string>();
  let concurrent = 0;
  let requests = 0;
  const receiver = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    requests++;
    if (inFlight.has(id)) concurrent++;
    inFlight.add(id);
    req.resume();
    setTimeout(() => {
      inFlight.delete(id);
      unique.add(id);
      res.writeHead(204).end();
    }, 40);
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/hook`;
    await cliOnSchema(schema.name, 'db', 'migrate');
  });
  afterAll(async () => {
    // The instances still delivering hold rows of the schema: they go before it does.
    await stopAll();
    receiver.closeAllConnections();
    receiver.close();
    await schema.drop();
  });

  it('delivers all 300 signals with their ids, never the same one twice at once', async () => {
    const instances = ['a', 'b', 'c'].map((name) =>
      start('pg-instance.mjs', [DATABASE_URL!, schema.name, url, '100', name]),
    );
    const ids = (await Promise.all(instances.map((i) => i.message))).flatMap(
      (m) => m.ids as string[],
    );
    expect(new Set(ids).size).toBe(300);
    await until(() => requests >= 20, 'the first deliveries');
    instances[0]!.child.kill('SIGKILL');
    expect(unique.size).toBeLessThan(300); // the kill came mid-delivery
    await until(() => ids.every((id) => unique.has(id)), 'all 300 signals at the receiver');
    expect([...unique].sort()).toEqual([...ids].sort());
    expect(concurrent).toBe(0);
  });
});

describePostgres('four instances append to one tenant chain', () => {
  const schema = testSchema();
  beforeAll(async () => {
    await cliOnSchema(schema.name, 'db', 'migrate');
  });
  afterAll(async () => {
    await stopAll();
    await schema.drop();
  });

  it('keeps one unbroken chain of 4,000 records, and finds a row changed in SQL', async () => {
    // Every instance signs a checkpoint in each of its appends' transactions, with one key.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyFile = join(mkdtempSync(join(tmpdir(), 'dpa-key-')), 'audit-signing.pub');
    writeFileSync(publicKeyFile, publicKey.export({ format: 'pem', type: 'spki' }));
    const key = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const writers = ['1', '2', '3', '4'].map((name) =>
      start('pg-audit.mjs', [DATABASE_URL!, schema.name, '1000', name, key]),
    );
    await Promise.all(writers.map((w) => w.message));
    const verify = await cliOnSchema(schema.name, 'audit', 'verify', '--public-key', publicKeyFile);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(
      /^valid: 4000 record\(s\) in one unbroken chain \(tenant "acme"\)\n/,
    );
    expect(verify.stdout).toMatch(/records 1–4000 anchored/);

    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(
      `UPDATE "${schema.name}".audit_log SET record = jsonb_set(record, '{decision}', '"block"') WHERE tenant = 'acme' AND seq = 2345`,
    );
    await client.end();
    const tampered = await cliOnSchema(schema.name, 'audit', 'verify');
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain(
      `altered at "${schema.name}".audit_log tenant "acme":2345: record 2345: `,
    );
  });
});
