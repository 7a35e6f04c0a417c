import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournalLines } from '../audit/journal.js';
import type { AuditRecord } from '../audit/record.js';
import { createGuard } from '../guard.js';
import type { DataStore, StoredRecord } from './store.js';

/** An in-memory store keyed by tenant, with a switch to fail an operation a number of times. */
function memoryStore(
  name: string,
  rows: StoredRecord[],
  failures: Partial<Record<'find' | 'export' | 'rectify' | 'erase', number>> = {},
) {
  let data = rows.map((r) => ({ ...r }));
  const maybeFail = (op: keyof typeof failures) => {
    if ((failures[op] ?? 0) > 0) {
      failures[op]--;
      throw Object.assign(new Error(`disk full while writing ${JSON.stringify(data)}`), {
        code: 'ENOSPC',
      });
    }
  };
  const store: DataStore & { data: () => StoredRecord[] } = {
    name,
    categories: ['health'],
    find: ({ tenant, subjectId }) => (
      maybeFail('find'),
      data.filter((r) => r.tenant === tenant && r.subject === subjectId)
    ),
    export: ({ tenant, subjectId }) => (
      maybeFail('export'),
      data.filter(
        (r) => r.tenant === tenant && (subjectId === undefined || r.subject === subjectId),
      )
    ),
    rectify: ({ tenant, subjectId, changes }) => {
      maybeFail('rectify');
      let n = 0;
      data = data.map((r) =>
        r.tenant === tenant && r.subject === subjectId ? (n++, { ...r, ...changes }) : r,
      );
      return n;
    },
    erase: ({ tenant, subjectId }) => {
      maybeFail('erase');
      const before = data.length;
      data = data.filter(
        (r) => !(r.tenant === tenant && (subjectId === undefined || r.subject === subjectId)),
      );
      return before - data.length;
    },
    data: () => data,
  };
  return store;
}

const controller = (tenant: string) => ({
  tenant,
  role: 'controller' as const,
  id: 'admin@' + tenant,
});

function setup(failures: Parameters<typeof memoryStore>[2] = {}) {
  const auditDir = mkdtempSync(join(tmpdir(), 'dpa-subjects-audit-'));
  const guard = createGuard({
    policy: [
      {
        name: 'p.json',
        document: {
          version: 's1',
          tenants: {
            acme: {
              legalHolds: [
                { store: 'invoices', reason: 'fiscal retention, 7 years', until: '2033-12-31' },
              ],
            },
          },
        },
      },
    ],
    audit: { dir: auditDir },
    breach: { deliver: false, logger: false },
  });
  const users = memoryStore('users', [
    { id: 'u1', tenant: 'acme', subject: 's-1', name: 'Kees', note: 'rugklachten' },
    { id: 'u2', tenant: 'acme', subject: 's-2', name: 'Sanne' },
    { id: 'u3', tenant: 'flex', subject: 's-1', name: 'Other tenant, same id' },
  ]);
  const enrollments = memoryStore(
    'enrollments',
    [
      {
        id: 'e1',
        tenant: 'acme',
        subject: 's-1',
        course: 'VCA-B',
        remark: 'line one\nline "two", with comma',
      },
      { id: 'e2', tenant: 'acme', subject: 's-1', course: 'BHV', nested: { score: 8 } },
      { id: 'e3', tenant: 'acme', subject: 's-2', course: 'VCA-B' },
    ],
    failures,
  );
  const invoices = memoryStore('invoices', [
    { id: 'i1', tenant: 'acme', subject: 's-1', amount: 120 },
  ]);
  guard.registerStore(users);
  guard.registerStore(enrollments);
  guard.registerStore(invoices);
  const records = () => readJournalLines(auditDir).map((l) => JSON.parse(l.text) as AuditRecord);
  return { guard, users, enrollments, invoices, records };
}

describe('data-subject requests across stores', () => {
  it('answers access with every store, only for that tenant', async () => {
    const { guard } = setup();
    const result = await guard.subjects.access({
      tenant: 'acme',
      subjectId: 's-1',
      requestedBy: controller('acme'),
    });
    expect(result).toMatchObject({ kind: 'access', complete: true });
    expect(result.stores.map((s) => [s.store, s.status, s.records])).toEqual([
      ['users', 'done', 1],
      ['enrollments', 'done', 2],
      ['invoices', 'done', 1],
    ]);
    expect(JSON.stringify(result)).not.toContain('Other tenant');
    await guard.close();
  });

  it('refuses a request that does not come from the controller (clause 7.2), and records it', async () => {
    const { guard, records } = setup();
    await expect(
      guard.subjects.erase({
        tenant: 'acme',
        subjectId: 's-1',
        requestedBy: { tenant: 'acme', role: 'data-subject' },
      }),
    ).rejects.toMatchObject({ code: 'DPA_ERR_REQUEST_REFUSED' });
    await expect(
      guard.subjects.access({ tenant: 'acme', subjectId: 's-1', requestedBy: controller('flex') }),
    ).rejects.toMatchObject({ code: 'DPA_ERR_REQUEST_REFUSED' });
    await guard.close();
    expect(records().map((r) => r.decision)).toEqual(['refused', 'refused']);
  });

  it('says exactly what happened when a store fails midway, and a retry completes the erase', async () => {
    const { guard, users, enrollments, invoices, records } = setup({ erase: 1 });
    const first = await guard.subjects.erase({
      tenant: 'acme',
      subjectId: 's-1',
      requestedBy: controller('acme'),
    });
    expect(first.complete).toBe(false);
    expect(first.stores).toEqual([
      { store: 'users', status: 'done', records: 1 },
      { store: 'enrollments', status: 'failed', error: 'Error (ENOSPC)' },
      { store: 'invoices', status: 'done', records: 1 },
    ]);
    expect(
      enrollments.data().filter((r) => r.subject === 's-1' && r.tenant === 'acme'),
    ).toHaveLength(2); // not reported erased
    // The id alone is no credential: another tenant's controller, or a subject, is refused.
    for (const other of [controller('flex'), { tenant: 'acme', role: 'data-subject' as const }])
      await expect(guard.subjects.retry(first.id, other)).rejects.toMatchObject({
        code: 'DPA_ERR_REQUEST_REFUSED',
      });
    await expect(guard.subjects.retry('no-such-id', controller('acme'))).rejects.toMatchObject({
      code: 'DPA_ERR_REQUEST_UNKNOWN',
    });
    const second = await guard.subjects.retry(first.id, controller('acme'));
    expect(second).toMatchObject({ id: first.id, complete: true });
    expect(second.stores.find((s) => s.store === 'enrollments')).toEqual({
      store: 'enrollments',
      status: 'done',
      records: 2,
    });
    for (const store of [users, enrollments, invoices])
      expect(store.data().filter((r) => r.tenant === 'acme' && r.subject === 's-1')).toEqual([]);
    expect(users.data().find((r) => r.tenant === 'flex')).toBeDefined(); // the other tenant's s-1 stays
    await guard.close();
    const trail = records().filter((r) => r.kind === 'subject-request');
    expect(trail.map((r) => r.decision)).toEqual(['partial', 'done']);
    expect(JSON.stringify(trail)).not.toMatch(/s-1|disk full|rugklachten/);
  });

  it('rectifies across stores', async () => {
    const { guard, users } = setup();
    const result = await guard.subjects.rectify({
      tenant: 'acme',
      subjectId: 's-2',
      changes: { name: 'Sanne de Vries' },
      requestedBy: controller('acme'),
    });
    expect(result.stores.map((s) => s.records)).toEqual([1, 1, 0]);
    expect(users.data().find((r) => r.id === 'u2')?.name).toBe('Sanne de Vries');
    await guard.close();
  });
});

describe('offboarding a tenant', () => {
  it('exports everything, verifies it round-trips, erases what no hold keeps, and certifies it', async () => {
    const { guard, users, enrollments, invoices, records } = setup();
    const before = {
      users: users.data().filter((r) => r.tenant === 'acme'),
      enrollments: enrollments.data().filter((r) => r.tenant === 'acme'),
    };
    const dir = mkdtempSync(join(tmpdir(), 'dpa-offboard-'));
    const result = await guard.offboard('acme', { dir, requestedBy: controller('acme') });
    expect(result.status).toBe('erased');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      files: { store: string; records: number; jsonl: { file: string } }[];
    };
    for (const [store, rows] of Object.entries(before)) {
      const file = manifest.files.find((f) => f.store === store)!;
      const back = readFileSync(join(dir, file.jsonl.file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as StoredRecord);
      expect(back).toEqual(rows);
    }
    const csv = readFileSync(join(dir, 'enrollments.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('id,tenant,subject,course,remark,nested');
    expect(csv).toContain('"line one\nline ""two"", with comma"');
    expect(result.erased).toEqual([
      { store: 'users', records: 2 },
      { store: 'enrollments', records: 3 },
    ]);
    expect(result.held).toEqual([
      { store: 'invoices', reason: 'fiscal retention, 7 years', until: '2033-12-31' },
    ]);
    expect(users.data().filter((r) => r.tenant === 'acme')).toEqual([]);
    expect(invoices.data()).toHaveLength(1); // held
    expect(users.data().filter((r) => r.tenant === 'flex')).toHaveLength(1);
    const certificate = JSON.parse(readFileSync(result.certificate!, 'utf8')) as {
      tenant: string;
      manifestSha256: string;
    };
    expect(certificate).toMatchObject({
      tenant: 'acme',
      manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await guard.close();
    expect(records().map((r) => [r.kind, r.decision])).toEqual([
      ['offboarding', 'exported'],
      ['deletion-certificate', 'erased'],
    ]);
  });

  it('leaves every record in place when the export fails', async () => {
    const { guard, users, enrollments } = setup({ export: 1 });
    const result = await guard.offboard('acme', {
      dir: mkdtempSync(join(tmpdir(), 'dpa-offboard-')),
      requestedBy: controller('acme'),
    });
    expect(result).toMatchObject({
      status: 'export-failed',
      erased: [],
      failed: [{ store: 'enrollments', stage: 'export', error: 'Error (ENOSPC)' }],
    });
    expect(result.certificate).toBeUndefined();
    expect(users.data().filter((r) => r.tenant === 'acme')).toHaveLength(2);
    expect(enrollments.data().filter((r) => r.tenant === 'acme')).toHaveLength(3);
    await guard.close();
  });

  it('offboards rows whose own keys are named constructor, toString, hasOwnProperty or __proto__', async () => {
    // One POST by any user of a tenant can store such a row; it must not block clause 12.2.
    const odd = JSON.parse(
      '[{"id":"o1","tenant":"acme","constructor":"c","toString":"t","hasOwnProperty":"h","__proto__":{"x":1}},{"id":"o2","tenant":"acme","note":"plain"}]',
    ) as StoredRecord[];
    const store = memoryStore('odd', odd);
    const guard = createGuard({ audit: { enabled: false }, breach: { logger: false } });
    guard.registerStore(store);
    const dir = join(mkdtempSync(join(tmpdir(), 'dpa-offboard-')), 'export');
    const result = await guard.offboard('acme', { dir, requestedBy: controller('acme') });
    expect(result.status, JSON.stringify(result.failed)).toBe('erased');
    const csv = readFileSync(join(dir, 'odd.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('id,tenant,constructor,toString,hasOwnProperty,__proto__,note');
    expect(csv[1]).toBe('o1,acme,c,t,h,"{""x"":1}",');
    expect(csv[2]).toBe('o2,acme,,,,,plain'); // nothing inherited, no stray {}
    expect(store.data()).toEqual([]);
    await guard.close();
  });

  it('leaves no file behind when an export fails, and writes exports for the owner only', async () => {
    const guard = createGuard({ audit: { enabled: false }, breach: { logger: false } });
    guard.registerStore(memoryStore('users', [{ id: 'u1', tenant: 'acme', name: 'A' }]));
    guard.registerStore(memoryStore('broken', [{ id: 'b1', tenant: 'acme' }], { export: 1 }));
    const parent = mkdtempSync(join(tmpdir(), 'dpa-offboard-'));
    const failed = await guard.offboard('acme', {
      dir: join(parent, 'first'),
      requestedBy: controller('acme'),
    });
    expect(failed).toMatchObject({ status: 'export-failed', files: 'removed' });
    expect(existsSync(join(parent, 'first'))).toBe(false);
    // A directory the caller made stays, emptied of the partial export.
    const given = mkdtempSync(join(tmpdir(), 'dpa-offboard-given-'));
    guard.registerStore(memoryStore('broken2', [{ id: 'b2', tenant: 'acme' }], { export: 1 }));
    expect(
      (await guard.offboard('acme', { dir: given, requestedBy: controller('acme') })).status,
    ).toBe('export-failed');
    expect(readdirSync(given)).toEqual([]);
    const done = await guard.offboard('acme', {
      dir: join(parent, 'second'),
      requestedBy: controller('acme'),
    });
    expect(done.status).toBe('erased');
    expect(statSync(join(parent, 'second')).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(join(parent, 'second')))
      expect([name, statSync(join(parent, 'second', name)).mode & 0o777]).toEqual([name, 0o600]);
    await guard.close();
  });

  it('is refused to anyone but the controller', async () => {
    const { guard } = setup();
    await expect(
      guard.offboard('acme', {
        dir: mkdtempSync(join(tmpdir(), 'x-')),
        requestedBy: { tenant: 'acme', role: 'platform' },
      }),
    ).rejects.toMatchObject({ code: 'DPA_ERR_REQUEST_REFUSED' });
    await guard.close();
  });
});
