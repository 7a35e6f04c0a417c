import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRANSFER_POLICY } from '../transfer/transfer.fixture.js';
import { runCapture } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'dpa-subprocessors-'));
writeFileSync(join(dir, 'all.json'), JSON.stringify(TRANSFER_POLICY));
const lawful = {
  version: 'lawful-1',
  subprocessors: {
    mailer: TRANSFER_POLICY.subprocessors!.mailer!,
    'uk-analytics': TRANSFER_POLICY.subprocessors!['uk-analytics']!,
  },
};
writeFileSync(join(dir, 'lawful.json'), JSON.stringify(lawful));
const run = (...argv: string[]) => runCapture(['subprocessors', 'check', ...argv], { cwd: dir });

describe('dpa-guard subprocessors check', () => {
  it('prints a table and exits 0 when every subprocessor is lawful on the date', async () => {
    const { code, stdout } = await run('--policy', 'lawful.json', '--at', '2026-11-25');
    expect(code).toBe(0);
    expect(stdout).toMatch(/subprocessor\s+country\s+basis\s+status\s+expires/);
    expect(stdout).toMatch(/mailer\s+DE\s+eea\s+lawful/);
    expect(stdout).toMatch(/uk-analytics\s+GB\s+adequacy\s+lawful\s+2031-12-27/);
    expect(stdout).toContain(
      '2 subprocessor(s) on 2026-11-25 (policy lawful-1): 2 lawful, 0 not lawful.',
    );
  });

  it('exits 1 when one is not lawful at that date (the UK after 2031-12-27)', async () => {
    const { code, stdout } = await run('--policy', 'lawful.json', '--at', '2032-01-01');
    expect(code).toBe(1);
    expect(stdout).toMatch(/uk-analytics\s+GB\s+no-basis, adequacy-expired\s+NOT LAWFUL/);
  });

  it('gives machines JSON', async () => {
    const { code, stdout } = await run('--policy', 'all.json', '--at', '2026-11-25', '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      lawful: boolean;
      subprocessors: { subprocessor: string; status: string; reasons: string[] }[];
    };
    expect(report.lawful).toBe(false);
    const status = Object.fromEntries(report.subprocessors.map((s) => [s.subprocessor, s.status]));
    expect(status).toEqual({
      mailer: 'lawful',
      'video-us': 'NOT LAWFUL',
      'video-dpf': 'lawful',
      'crm-ca-public': 'NOT LAWFUL',
      'crm-ca': 'lawful',
      'uk-analytics': 'lawful',
      'in-support': 'lawful',
      'in-nosafeguard': 'NOT LAWFUL',
      epo: 'lawful',
    });
  });

  it('refuses a bad date and an unreadable file with exit 2', async () => {
    expect((await run('--at', 'soon')).code).toBe(2);
    const missing = await run('--policy', 'missing.json');
    expect(missing.code).toBe(2);
    expect((await runCapture(['subprocessors', '--help'], { cwd: dir })).stdout).toContain(
      'Usage: dpa-guard subprocessors check',
    );
  });
});
