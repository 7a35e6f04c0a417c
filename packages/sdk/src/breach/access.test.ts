import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import type { BreachSignal } from './signal.js';

describe('guard.recordAccess', () => {
  let now = new Date('2026-11-25T10:00:00Z');
  const received: BreachSignal[] = [];
  const guard = createGuard({
    policy: [
      {
        name: 'p.json',
        document: { version: 'a1', breach: { massExport: { subjects: 100, windowMinutes: 60 } } },
      },
    ],
    clock: () => now,
    breach: {
      dir: mkdtempSync(join(tmpdir(), 'dpa-access-')),
      logger: false,
      deliver: false,
      hooks: { pager: { deliver: (signal) => void received.push(signal) } },
    },
  });

  it('turns a cross-tenant read into a signal for the tenant whose data it was', async () => {
    const [signal] = await guard.recordAccess({
      principalTenant: 'flex',
      resourceTenant: 'acme',
      subjectCount: 3,
    });
    expect(signal).toMatchObject({
      kind: 'cross-tenant-access',
      tenants: ['acme'],
      approximateSubjects: 3,
    });
    expect(signal!.deadline).toBe('2026-11-26T10:00:00.000Z');
    expect(
      await guard.recordAccess({
        principalTenant: 'acme',
        resourceTenant: 'acme',
        subjectCount: 3,
      }),
    ).toEqual([]);
  });

  it('signals a bulk read over the threshold once per window per principal', async () => {
    expect(
      await guard.recordAccess({
        principalTenant: 'acme',
        resourceTenant: 'acme',
        subjectCount: 60,
        principal: 'u1',
      }),
    ).toEqual([]);
    const [bulk] = await guard.recordAccess({
      principalTenant: 'acme',
      resourceTenant: 'acme',
      subjectCount: 50,
      principal: 'u1',
    });
    expect(bulk).toMatchObject({ kind: 'mass-export', approximateSubjects: 110 });
    expect(
      await guard.recordAccess({
        principalTenant: 'acme',
        resourceTenant: 'acme',
        subjectCount: 50,
        principal: 'u1',
      }),
    ).toEqual([]);
    expect(
      await guard.recordAccess({
        principalTenant: 'acme',
        resourceTenant: 'acme',
        subjectCount: 99,
        principal: 'u2',
      }),
    ).toEqual([]);
    now = new Date(now.getTime() + 61 * 60_000);
    expect(
      await guard.recordAccess({
        principalTenant: 'acme',
        resourceTenant: 'acme',
        subjectCount: 101,
        principal: 'u1',
      }),
    ).toHaveLength(1);
  });

  it('signals any size of bulk read (the count is a field, not part of the text)', async () => {
    const [huge] = await guard.recordAccess({
      principalTenant: 'acme',
      resourceTenant: 'acme',
      subjectCount: 25_000_000,
      principal: 'u9',
    });
    expect(huge).toMatchObject({ kind: 'mass-export', approximateSubjects: 25_000_000 });
  });

  it('delivers to a function hook in the process', async () => {
    await guard.breaches!.runOnce();
    expect(received.map((s) => s.kind).sort()).toEqual([
      'cross-tenant-access',
      'mass-export',
      'mass-export',
      'mass-export',
    ]);
    expect((await guard.breaches!.list()).every((s) => s.state === 'delivered')).toBe(true);
    await guard.close();
  });
});

describe('store selection', () => {
  it('says clearly when the policy wants PostgreSQL and the URL is missing', () => {
    expect(() =>
      createGuard({
        policy: [
          {
            name: 'p.json',
            document: {
              version: '1',
              stores: { kind: 'postgres', databaseUrlEnv: 'NO_SUCH_DB_URL' },
            },
          },
        ],
      }),
    ).toThrow(/NO_SUCH_DB_URL \(the database URL\) is not set/);
  });
});
