import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
// The catalogue of attacks (shared with `npm run tamper`, which prints them as a table).
import {
  cli,
  fileAttacks,
  makeFileTrail,
  makePgTrail,
  pgAttacks,
  verdictOf,
  verifyFile,
  verifyPg,
} from './tamper/attacks.mjs';
import { DATABASE_URL, describePostgres } from './postgres/support.js';

/**
 * Verification with a checkpoint from outside catches every attack, by the kind named; with
 * the trail's own checkpoints alone, every attack but a roll-back to an earlier checkpoint.
 */
async function caught<T>(
  attack: { expect: string; onlyOutside?: boolean; apply(t: T): unknown },
  make: () => Promise<T>,
  verify: (t: T, o: { outside: boolean }) => Promise<{ code: number; out: string }>,
) {
  const t = await make();
  await Promise.resolve(attack.apply(t));
  const outside = await verify(t, { outside: true });
  expect(outside.code, outside.out).toBe(1);
  if (attack.onlyOutside === true) {
    expect(verdictOf(outside)).toBe(attack.expect);
    return;
  }
  const own = await verify(t, { outside: false });
  expect(own.code, own.out).toBe(1);
  expect(verdictOf(own)).toBe(attack.expect);
}

describe('an intruder with write access to the audit directory', () => {
  it('leaves a trail that verifies as it was written', async () => {
    const t = await makeFileTrail();
    const result = await verifyFile(t, { outside: true });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/records 1–40 anchored/);
    expect(result.out).toMatch(/unanchored: 0 record/);
  });

  for (const attack of fileAttacks)
    it(`is caught: ${attack.name}`, () => caught(attack, makeFileTrail, verifyFile));

  it('finds no trail where there is none, unless told that is fine', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'dpa-none-')), 'audit');
    const none = await cli(['audit', 'verify', missing]);
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/empty/);
    expect((await cli(['audit', 'verify', missing, '--allow-empty'])).code).toBe(0);
  });

  it('believes no checkpoint from outside without the key that signed it', async () => {
    const t = await makeFileTrail();
    const result = await cli(['audit', 'verify', t.dir, '--checkpoint', t.copies]);
    expect(result.code).toBe(2);
  });
});

describePostgres('an intruder with write access to the audit tables', () => {
  const schemas: string[] = [];
  let n = 0;
  const trail = () => {
    const schema = `dpa_tamper_t${String(process.pid)}_${String(n++)}`;
    schemas.push(schema);
    return makePgTrail(DATABASE_URL!, schema);
  };
  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  });

  it('leaves a trail that verifies as it was written', async () => {
    const result = await verifyPg(await trail(), { outside: true });
    expect(result.code, result.out).toBe(0);
  });

  for (const attack of pgAttacks)
    it(`is caught: ${attack.name}`, () => caught(attack, trail, verifyPg));

  it('says a database that was never migrated holds no trail', async () => {
    const result = await cli([
      'audit',
      'verify',
      '--db',
      DATABASE_URL!,
      '--schema',
      `dpa_never_${String(process.pid)}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/not-migrated/);
  });
});
