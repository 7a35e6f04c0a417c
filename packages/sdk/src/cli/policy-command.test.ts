import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapture } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'dpa-cli-'));
const write = (name: string, content: string | object) => {
  writeFileSync(
    join(dir, name),
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
  return name;
};
const run = (...argv: string[]) => runCapture(argv, { cwd: dir });

write('platform.json', {
  version: '2026.11.1',
  detection: { threshold: 0.6 },
  tenants: {
    acme: {
      name: 'Acme Bouw',
      exceptions: [
        {
          category: 'health',
          fields: ['/absence/reason'],
          agreement: 'VO-2026-014',
          expires: '2099-06-30',
        },
      ],
    },
  },
});
write('acme.json', { tenant: 'acme', version: '3', purposes: ['provide', 'support'] });
write(
  'bad.json',
  '{\n  "version": "1",\n  "mode": "enforced",\n  "detection": { "treshold": 0.6 }\n}\n',
);
write('broken.json', '{ "version": "1", }');

describe('dpa-guard policy validate', () => {
  it('exits 0 and says so for valid files', async () => {
    const r = await run('policy', 'validate', 'platform.json', 'acme.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ platform.json');
    expect(r.stdout).toContain('2 file(s) valid; effective policy version 2026.11.1');
  });

  it('exits 1 with file:line:column, the pointer and a sentence for each problem', async () => {
    const r = await run('policy', 'validate', 'bad.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'bad.json:3:11 /mode: the value must be one of "enforce", "monitor"; did you mean "enforce"?',
    );
    expect(r.stderr).toContain(
      'bad.json:4:18 /detection/treshold: "treshold" is not a setting here; did you mean "threshold"?',
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('exits 1 on malformed JSON with its position', async () => {
    const r = await run('policy', 'validate', 'broken.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.json:1:19 (document): not valid JSON');
  });

  it('exits 1 with a clear sentence on a 5 MB file', async () => {
    write('huge.json', JSON.stringify({ version: '1', description: 'x'.repeat(5 * 1024 * 1024) }));
    const r = await run('policy', 'validate', 'huge.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the file is 5.0 MB, more than the 1.0 MB a policy file may be');
  });

  it('exits 2 on a file that cannot be read', async () => {
    const r = await run('policy', 'validate', 'missing.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.json:1:1 (document): cannot read: no such file');
  });

  it('prints JSON with --json', async () => {
    const r = await run('policy', 'validate', '--json', 'bad.json');
    expect(r.code).toBe(1);
    const parsed = JSON.parse(r.stdout);
    expect(parsed.valid).toBe(false);
    expect(parsed.problems[0]).toMatchObject({
      file: 'bad.json',
      pointer: '/mode',
      line: 3,
      column: 11,
    });
  });

  it('checks expiry against --at', async () => {
    expect((await run('policy', 'validate', '--at', '2100-01-01', 'platform.json')).code).toBe(1);
    expect((await run('policy', 'validate', '--at', 'tomorrow', 'platform.json')).code).toBe(2);
  });
});

describe('dpa-guard policy explain', () => {
  it('shows each effective value with the layer that set it', async () => {
    const r = await run('policy', 'explain', '--tenant', 'acme', 'platform.json', 'acme.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Effective policy for tenant "acme", version 2026.11.1+acme.3');
    expect(r.stdout).toMatch(/\/detection\/threshold = 0\.6 +← platform\.json/);
    expect(r.stdout).toMatch(/\/mode = "enforce" +← built-in defaults/);
    expect(r.stdout).toMatch(/\/tenant\/purposes = \["provide","support"\] +← acme\.json/);
  });

  it('prints JSON with --json', async () => {
    const r = await run(
      'policy',
      'explain',
      '--tenant',
      'acme',
      '--json',
      'platform.json',
      'acme.json',
    );
    const parsed = JSON.parse(r.stdout);
    expect(parsed.version).toBe('2026.11.1+acme.3');
    expect(parsed.settings).toContainEqual({
      pointer: '/tenant/name',
      value: 'Acme Bouw',
      source: 'platform.json',
    });
  });

  it('says when a tenant has nothing of its own', async () => {
    const r = await run('policy', 'explain', '--tenant', 'beta', 'platform.json');
    expect(r.stdout).toContain('no settings of its own');
  });

  it('exits 1 on invalid files', async () => {
    expect((await run('policy', 'explain', '--tenant', 'acme', 'bad.json')).code).toBe(1);
  });
});

describe('usage', () => {
  it('has --help for every command', async () => {
    for (const argv of [
      ['--help'],
      ['policy', '--help'],
      ['policy', 'validate', '--help'],
      ['policy', 'explain', '--help'],
    ]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: dpa-guard/);
    }
  });

  it('treats unknown flags, commands and missing files as usage errors (exit 2)', async () => {
    const flag = await run('policy', 'validate', '--strict', 'platform.json');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("dpa-guard policy validate: Unknown option '--strict'");
    expect((await run('policy', 'lint')).code).toBe(2);
    expect((await run('policies')).code).toBe(2);
    expect((await run('policy', 'validate')).stderr).toContain('name at least one policy FILE');
  });
});
