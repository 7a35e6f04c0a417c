import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournalLines } from '../audit/journal.js';
import { InMemoryBreachSink } from '../breach/report.js';
import type { Decision } from '../detect/decide.js';
import { createGuard } from '../guard.js';

const BSN = '111222333';

describe('tenant ids where the SDK takes them', () => {
  const guard = createGuard({ audit: { enabled: false }, breachSink: new InMemoryBreachSink() });

  it('takes the documented pattern and refuses the rest, never repeating the id', () => {
    for (const good of ['acme', 'bouwbedrijf-jansen', 'a.b_c-9', 'x'.repeat(63)])
      expect(guard.checkTenant(good), good).toEqual({ valid: true });
    for (const bad of ['', 'Acme', '../../etc', '-acme', 'x'.repeat(64), 'a b', 'ä', 7, null]) {
      const check = guard.checkTenant(bad);
      expect(check.valid, String(bad)).toBe(false);
    }
    for (const holding of [BSN, `acme-${BSN}`, '111.222.333']) {
      const check = guard.checkTenant(holding);
      expect(check).toMatchObject({ valid: false, detail: expect.stringMatching(/BSN/) });
      expect(JSON.stringify(check)).not.toContain(holding);
    }
  });

  it('refuses an inspection for a tenant id that is not one, and leaves the id out of the decision', () => {
    const decision = guard.inspect({ remark: 'prima' }, { tenant: BSN, purpose: 'provide' });
    expect(decision).toMatchObject({
      blocked: true,
      outcome: 'refused',
      refusal: 'tenant-invalid',
    });
    expect(JSON.stringify(decision)).not.toContain(BSN);
    expect(guard.inspect({ remark: 'prima' }, { tenant: 'acme' }).outcome).toBe('pass');
  });

  it('throws DPA_ERR_TENANT_INVALID from every call that takes a tenant', async () => {
    const refused = { code: 'DPA_ERR_TENANT_INVALID' };
    await expect(
      guard.signalBreach({ tenants: [BSN], nature: 'Lost laptop.', categories: [] }),
    ).rejects.toMatchObject(refused);
    await expect(
      guard.recordAccess({ principalTenant: 'acme', resourceTenant: '../x', subjectCount: 1 }),
    ).rejects.toMatchObject(refused);
    await expect(
      guard.offboard(BSN, { dir: tmpdir(), requestedBy: { tenant: BSN, role: 'controller' } }),
    ).rejects.toMatchObject(refused);
    await expect(
      guard.subjects.access({
        tenant: 'x'.repeat(8000),
        subjectId: 's1',
        requestedBy: { tenant: 'acme', role: 'controller' },
      }),
    ).rejects.toMatchObject(refused);
  });

  it('never writes a tenant id that holds a BSN into an audit record, whoever built the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-tenant-audit-'));
    const recording = createGuard({
      audit: { dir },
      breach: { dir: join(dir, 'breach'), logger: false },
    });
    const handMade: Decision = {
      blocked: false,
      outcome: 'pass',
      findings: [],
      exceptions: [],
      mode: 'enforce',
      policyVersion: 'x',
      tenant: BSN,
    };
    await recording.recordDecision(handMade);
    await recording.audit!.record({ kind: 'inspection', tenant: BSN, decision: 'pass' });
    await recording.close();
    const text = readJournalLines(dir)
      .map((l) => l.text)
      .join('\n');
    expect(text).not.toContain(BSN);
    expect(text).toContain('"tenantRefused":true');
    expect(readFileSync(join(dir, 'audit-000001.jsonl'), 'utf8').split('\n')).toHaveLength(3);
  });
});
