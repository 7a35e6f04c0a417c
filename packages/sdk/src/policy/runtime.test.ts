import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import { DpaGuardError } from '../errors.js';

const now = () => new Date('2026-11-25T00:00:00Z');

function policyFile(content: object | string) {
  const dir = mkdtempSync(join(tmpdir(), 'dpa-policy-'));
  const file = join(dir, 'policy.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('a running guard and its policy', () => {
  it('enforces with zero configuration', () => {
    const guard = createGuard();
    expect(guard.policy.policy.mode).toBe('enforce');
    expect(guard.policy.version).toBe('dpa-defaults-1');
  });

  it('refuses to start on an invalid policy, with a typed error that lists the problems', () => {
    const file = policyFile({ version: '1', mode: 'loose' });
    expect(() => createGuard({ policy: file, clock: now })).toThrow(DpaGuardError);
    try {
      createGuard({ policy: file, clock: now });
    } catch (error) {
      expect((error as DpaGuardError).code).toBe('DPA_ERR_POLICY_INVALID');
      expect((error as Error).message).toContain(`${file}:1:23 /mode`);
    }
  });

  it('names a missing file as unreadable', () => {
    expect(() => createGuard({ policy: '/nonexistent/policy.json' })).toThrow(
      expect.objectContaining({ code: 'DPA_ERR_POLICY_UNREADABLE' }),
    );
  });

  it('rejects bad options at construction', () => {
    expect(() => createGuard({ policy: 42 as never })).toThrow(
      expect.objectContaining({ code: 'DPA_ERR_INVALID_OPTIONS' }),
    );
    expect(() => createGuard({ watchPolicy: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'DPA_ERR_INVALID_OPTIONS' }),
    );
  });

  it('reloads a valid new policy and reports the version change', () => {
    const file = policyFile({ version: '1' });
    const guard = createGuard({ policy: file, clock: now });
    writeFileSync(file, JSON.stringify({ version: '2', mode: 'monitor' }));
    expect(guard.reloadPolicy()).toEqual({ ok: true, version: '2', previousVersion: '1' });
    expect(guard.policy.policy.mode).toBe('monitor');
  });

  it('keeps the running policy when the new one is invalid, with the same problems validate prints', () => {
    const file = policyFile({ version: '1' });
    const guard = createGuard({ policy: file, clock: now });
    writeFileSync(file, '{"version": "2", "mode": "off"}');
    const result = guard.reloadPolicy();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatchObject({
      pointer: '/mode',
      line: 1,
      column: 26,
    });
    expect(guard.policy.version).toBe('1');
    writeFileSync(file, '{"version": ');
    expect(guard.reloadPolicy().ok).toBe(false);
    expect(guard.policy.version).toBe('1');
  });

  it('reloads by itself when watching and a file changes', async () => {
    const file = policyFile({ version: '1' });
    const guard = createGuard({ policy: file, clock: now, watchPolicy: true });
    const reloaded = new Promise((resolve) => guard.onPolicyReload(resolve));
    writeFileSync(file, JSON.stringify({ version: '2' }));
    await expect(reloaded).resolves.toMatchObject({ ok: true, version: '2' });
    expect(guard.policy.version).toBe('2');
    void guard.close();
  });
});
