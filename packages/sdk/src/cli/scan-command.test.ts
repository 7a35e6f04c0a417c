import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapture } from './cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'dpa-scan-'));
const BSN = '111222333';

const lines = [
  JSON.stringify({ notes: `Mijn BSN is ${BSN}` }),
  '{"broken": ',
  JSON.stringify({ remark: 'Prima cursus, goede uitleg.' }),
  JSON.stringify('Cursist is moslim en vast tijdens de ramadan.'),
  '',
].join('\n');

describe('dpa-guard scan', () => {
  it('reads JSON Lines from stdin and answers one line per line, going on after bad JSON', async () => {
    const { code, stdout, stderr } = await runCapture(['scan'], { stdin: lines, cwd: dir });
    const out = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    expect(out[0]).toEqual({
      blocked: true,
      findings: [{ category: 'bsn', path: '/notes', confidence: 0.97, rule: 'bsn.keyword' }],
    });
    expect(out[1]).toEqual({ error: expect.stringMatching(/^not valid JSON/) });
    expect(out[2]).toEqual({ blocked: false, findings: [] });
    expect(out[3]).toMatchObject({ blocked: true, findings: [{ category: 'religion', path: '' }] });
    expect(code).toBe(1);
    expect(stderr).toContain('4 line(s), 2 blocked, 1 not JSON');
    expect(stdout + stderr).not.toContain(BSN);
    expect(stdout + stderr).not.toContain('moslim');
  });

  it('--explain gives each finding its signals, never the text around it or the number', async () => {
    const input = [
      JSON.stringify({ notes: `Mijn BSN is ${BSN}` }),
      JSON.stringify({ verzuim: { reden: 'Pieternel Jansen heeft epilepsie en rijdt niet' } }),
      JSON.stringify({ lesson: 'Wat doe je bij een epileptische aanval?' }),
    ].join('\n');
    const { code, stdout } = await runCapture(['scan', '--explain'], { stdin: input, cwd: dir });
    const [bsn, health, lesson] = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { blocked: boolean; findings: Record<string, unknown>[] });
    expect(code).toBe(1);
    expect(bsn!.findings[0]).toMatchObject({
      category: 'bsn',
      why: expect.stringMatching(/names a personal number/),
    });
    const finding = health!.findings[0]!;
    expect(finding).toMatchObject({
      category: 'health',
      path: '/verzuim/reden',
      term: expect.any(String),
    });
    expect(finding.modelScore).toBeGreaterThan(0.5);
    const signals = finding.signals as { feature: string; weight: number }[];
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.some((s) => s.feature === 'f:reden')).toBe(true);
    expect(typeof finding.textWords).toBe('number');
    expect(lesson).toEqual({ blocked: false, findings: [] });
    // The words of the text (a name, the rest of the sentence) and the number stay out.
    expect(stdout).not.toContain(BSN);
    expect(stdout.toLowerCase()).not.toContain('pieternel');
    expect(stdout.toLowerCase()).not.toContain('jansen');
    expect(stdout).not.toContain('rijdt');
  });

  /** `scan --explain` over JSON lines: its exit code, output, and each line's findings. */
  const explainLines = async (input: string) => {
    const { code, stdout } = await runCapture(['scan', '--explain'], { stdin: input, cwd: dir });
    const found = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { findings: { category: string; path: string }[] })
      .map((r) => r.findings.map((f) => `${f.category} ${f.path}`));
    return { code, stdout, found };
  };

  it('--explain names no value read by the form, fraction and told-parts rules', async () => {
    // 111222333 typed with a decimal point, told in parts out of order, and a form's answer.
    const input = [
      JSON.stringify({ persoon: { bsn: 11122.2333 } }),
      JSON.stringify({
        chat: 'mijn bsn: de laatste drie zijn 333, de eerste drie 111 en in het midden 222',
      }),
      JSON.stringify({
        vragen: [{ vraag: 'Bent u lid van een vakbond?', antwoord: 'Ja, al tien jaar' }],
      }),
    ].join('\n');
    const { code, stdout, found } = await explainLines(input);
    expect(code).toBe(1);
    expect(found).toEqual([
      ['bsn /persoon/bsn'],
      ['bsn /chat'],
      ['trade_union /vragen/0/antwoord'],
    ]);
    for (const value of ['11122', '2333', '333', '111', '222', 'tien', 'jaar'])
      expect(stdout).not.toContain(value);
  });

  it('--explain names no value read by the place-told, numeral, reply, table-row and partner rules', async () => {
    // 226114703 and 855677405 pass the elfproef.
    const input = [
      JSON.stringify({ chat: 'ok, hij begint met 2261, dan 14 en eindigt op 703' }),
      JSON.stringify({
        note: 'mijn bsn is achthonderdvijfenvijftig zeshonderdzevenenzeventig vierhonderdvijf',
      }),
      JSON.stringify({ chat: [{ t: 'stuur je bsn even' }, { t: '226114703' }] }),
      JSON.stringify({ rows: ['naam;bsn', 'Yusuf Kaya;226114703'] }),
      JSON.stringify({ note: 'Joyce heeft al een jaar verkering met een meisje van de klant.' }),
    ].join('\n');
    const { code, stdout, found } = await explainLines(input);
    expect(code).toBe(1);
    expect(found).toEqual([
      ['bsn /chat'],
      ['bsn /note'],
      ['bsn /chat/1/t'],
      ['bsn /rows/1'],
      ['sexual_orientation /note'],
    ]);
    for (const value of ['2261', '703', '226114703', 'achthonderd', 'zeshonderd', 'Yusuf', 'Kaya'])
      expect(stdout).not.toContain(value);
    for (const value of ['joyce', 'verkering', 'meisje'])
      expect(stdout.toLowerCase()).not.toContain(value);
  });

  it("--explain names no value read by this stop's purpose, tab-cell, tax-field, couple, outcome and template rules", async () => {
    // 226114703 passes the elfproef.
    const input = [
      JSON.stringify({ msg: 'mijn BSN voor het certificaat: 226114703' }),
      JSON.stringify({ row: 'Nowak\tAnna\t04-11-1987\t226\t114\t703' }),
      JSON.stringify({ taxId: -226114703 }),
      JSON.stringify({ notitie: 'Fleur en Iris zijn getrouwd, allebei gezag.' }),
      JSON.stringify({ VOG: { aanvrager: 'A. Haidari', status: 'afgewezen' } }),
      JSON.stringify({ p: { irisHash: '9f3ac1e0b77d42aa8c0e51b3f6d9a271' } }),
    ].join('\n');
    const { stdout, found } = await explainLines(input);
    expect(found.slice(0, 4)).toEqual([
      ['bsn /msg'],
      ['bsn /row'],
      ['bsn /taxId'],
      ['sexual_orientation /notitie'],
    ]);
    for (const value of [
      '226114703',
      '226',
      '703',
      'Nowak',
      'Anna',
      '1987',
      'Haidari',
      'Fleur',
      'Iris',
      '9f3ac1e0',
    ])
      expect(stdout).not.toContain(value);
    for (const value of ['getrouwd', 'afgewezen', 'certificaat'])
      expect(stdout.toLowerCase()).not.toContain(value);
  });

  it('--explain never names a field name that held data itself, nor a neighbouring one', async () => {
    // A sentence used as a key is a finding of its own and masked as "*": the findings
    // beside and below it must not name its words among their signals either.
    const input = JSON.stringify({
      'Zuzanna heeft epilepsie sinds maart': { reden: 'ik ben ziek, griep' },
      opmerking: 'ik heb diabetes type 1',
    });
    const { code, stdout } = await runCapture(['scan', '--explain'], { stdin: input, cwd: dir });
    expect(code).toBe(1);
    const { findings } = JSON.parse(stdout.trim()) as { findings: { path: string }[] };
    expect(findings.map((f) => f.path).sort()).toEqual(['', '/*/reden', '/opmerking']);
    expect(stdout.toLowerCase()).not.toContain('zuzanna');
    expect(stdout.toLowerCase()).not.toContain('maart');
  });

  it('--explain lists the signals of a bare number by its field, never its digits or the words beside it', async () => {
    const input = JSON.stringify({ extra: 'koppelen aan 123456782 graag' });
    const { code, stdout } = await runCapture(['scan', '--explain'], { stdin: input, cwd: dir });
    expect(code).toBe(1);
    const [finding] = (JSON.parse(stdout.trim()) as { findings: Record<string, unknown>[] })
      .findings;
    expect(finding).toMatchObject({ category: 'bsn', rule: 'bsn.bare' });
    const signals = finding!.signals as { feature: string }[];
    expect(signals.some((s) => s.feature === 'bf:extra')).toBe(true);
    expect(stdout).not.toMatch(/123456782|1234|56782/);
    expect(stdout).not.toContain('koppelen');
    expect(stdout).not.toContain('graag');
  });

  it('scans a file, exits 0 when nothing is blocked, and 2 when the file is unreadable', async () => {
    writeFileSync(
      join(dir, 'clean.jsonl'),
      `${JSON.stringify({ a: 'hallo' })}\n${JSON.stringify([1, 2])}\n`,
    );
    const clean = await runCapture(['scan', 'clean.jsonl'], { cwd: dir });
    expect([clean.code, clean.stdout]).toEqual([
      0,
      '{"blocked":false,"findings":[]}\n{"blocked":false,"findings":[]}\n',
    ]);
    const missing = await runCapture(['scan', 'nope.jsonl'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read nope.jsonl');
  });

  it('applies a tenant agreement from --policy for --tenant and --route', async () => {
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        version: '1',
        tenants: {
          acme: {
            name: 'Acme',
            exceptions: [
              { category: 'health', fields: ['/reason'], agreement: 'VO-1', expires: '2099-01-01' },
            ],
          },
        },
      }),
    );
    const body = `${JSON.stringify({ reason: 'ik ben ziek gemeld' })}\n`;
    const without = await runCapture(['scan'], { stdin: body, cwd: dir });
    const withTenant = await runCapture(['scan', '--policy', 'policy.json', '--tenant', 'acme'], {
      stdin: body,
      cwd: dir,
    });
    expect(JSON.parse(without.stdout)).toMatchObject({ blocked: true });
    expect(JSON.parse(withTenant.stdout)).toMatchObject({ blocked: false });
    expect(withTenant.code).toBe(0);
  });

  it('explains itself with --help and refuses two files', async () => {
    expect((await runCapture(['scan', '--help'], { cwd: dir })).stdout).toContain(
      'Usage: dpa-guard scan',
    );
    expect((await runCapture(['scan', 'a', 'b'], { cwd: dir })).code).toBe(2);
  });
});
