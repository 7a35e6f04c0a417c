import {
  existsSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCapture } from '../cli/cli-harness.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { FileAuditJournal, journalFiles, readHead, readJournalLines } from './journal.js';
import {
  canonicalJson,
  chainLine,
  hashRecord,
  type AuditEntry,
  type AuditRecord,
} from './record.js';
import { buildReport } from './report.js';
import { verifyChain } from './verify.js';

async function journalWith(entries: AuditEntry[], maxFileBytes?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'dpa-audit-'));
  let t = Date.parse('2026-11-01T08:00:00Z');
  const journal = new FileAuditJournal(dir, {
    clock: () => new Date((t += 60_000)),
    ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
  });
  await Promise.all(entries.map((e) => journal.append(e)));
  await journal.close();
  return dir;
}

const entries = (n: number): AuditEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'inspection',
    tenant: i % 3 === 0 ? 'flex' : 'acme',
    purpose: 'provide',
    route: 'POST /enrollments',
    decision: i % 4 === 0 ? 'block' : 'pass',
    categories: i % 4 === 0 ? ['health'] : [],
    policyVersion: '1',
  }));

const verify = (dir: string) => verifyChain(readJournalLines(dir), readHead(dir));

function rewrite(dir: string, edit: (lines: string[]) => string[]) {
  const [file] = journalFiles(dir);
  const path = join(dir, file!);
  writeFileSync(path, `${edit(readFileSync(path, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
}

describe('the hash-chained journal', () => {
  it('chains records across rotated files and verifies', async () => {
    const dir = await journalWith(entries(60), 4_000);
    expect(journalFiles(dir).length).toBeGreaterThan(2);
    expect(verify(dir)).toEqual({ valid: true, records: 60 });
    const seqs = readJournalLines(dir).map((l) => (JSON.parse(l.text) as AuditRecord).seq);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('continues the chain after a reopen', async () => {
    const dir = await journalWith(entries(3));
    const again = new FileAuditJournal(dir);
    const record = await again.append({ kind: 'transfer', decision: 'allowed' });
    await again.close();
    expect(record.seq).toBe(4);
    expect(verify(dir).valid).toBe(true);
    // enqueue (a record without a promise of its own) goes on from the disk just the same.
    const third = new FileAuditJournal(dir);
    await Promise.all([
      third.enqueue({ kind: 'inspection' }),
      third.enqueue({ kind: 'inspection' }),
    ]);
    await third.close();
    expect(verify(dir)).toEqual({ valid: true, records: 6 });
  });

  it('chains enqueued entries later, but in call order with appended ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-audit-queue-'));
    const journal = new FileAuditJournal(dir);
    const first = journal.enqueue({ kind: 'inspection', decision: 'pass' });
    const second = journal.enqueue({ kind: 'inspection', decision: 'block' });
    expect(second).toBe(first); // one promise for the batch
    // append links what waits first, so its record is third.
    const third = await journal.append({ kind: 'transfer', decision: 'allowed' });
    expect(third.seq).toBe(3);
    await first;
    // close() writes what is still queued.
    void journal.enqueue({ kind: 'inspection', decision: 'monitor' });
    await journal.close();
    const decisions = readJournalLines(dir).map(
      (l) => (JSON.parse(l.text) as AuditRecord).decision,
    );
    expect(decisions).toEqual(['pass', 'block', 'allowed', 'monitor']);
    expect(verify(dir)).toEqual({ valid: true, records: 4 });
  });

  it('links an entry enqueued while closing at once, and leaves the lock released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-audit-queue-close-'));
    const journal = new FileAuditJournal(dir);
    await journal.append({ kind: 'inspection', decision: 'pass' });
    const closed = journal.close();
    const late = journal.enqueue({ kind: 'inspection', decision: 'block' }); // a request in flight
    await Promise.all([closed, late]);
    await new Promise((r) => setTimeout(r, 30)); // longer than a queue waits
    expect(readFileSync(join(dir, 'audit.lock'), 'utf8')).toBe('');
    expect(verify(dir)).toEqual({ valid: true, records: 2 });
  });

  it('writes the rest of a queued batch when one entry cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-audit-queue-bad-'));
    const journal = new FileAuditJournal(dir);
    void journal.enqueue({ kind: 'inspection', decision: 'pass' });
    const batch = journal.enqueue({ kind: 'inspection', details: { size: 1n } }); // no JSON
    void journal.enqueue({ kind: 'inspection', decision: 'block' });
    await expect(batch).rejects.toThrow(/BigInt/);
    await journal.close();
    expect(verify(dir)).toEqual({ valid: true, records: 2 });
  });

  it.skipIf(!existsSync('/dev/full'))(
    'writes nothing after a failed batch, so the chain on disk has no gap',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dpa-audit-full-'));
      // Every record opens a new file; the second file is a full disk.
      symlinkSync('/dev/full', join(dir, 'audit-000002.jsonl'));
      const journal = new FileAuditJournal(dir, { maxFileBytes: 1 });
      const results = await Promise.allSettled(
        ['pass', 'block', 'pass'].map((decision) =>
          journal.append({ kind: 'inspection', decision }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      unlinkSync(join(dir, 'audit-000002.jsonl'));
      // The next record goes on from what the disk holds.
      const next = await journal.append({ kind: 'inspection', decision: 'pass' });
      await journal.close();
      expect(next.seq).toBe(2);
      expect(verify(dir)).toEqual({ valid: true, records: 2 });
    },
  );

  it('detects a change to any byte of any record, at that record', async () => {
    const dir = await journalWith(entries(6));
    const original = readFileSync(join(dir, journalFiles(dir)[0]!), 'utf8');
    const lines = original.trimEnd().split('\n');
    for (let r = 0; r < lines.length; r++) {
      for (let b = 0; b < lines[r]!.length; b++) {
        const changed = [...lines];
        const c = lines[r]![b]!;
        changed[r] = lines[r]!.slice(0, b) + (c === 'a' ? 'b' : 'a') + lines[r]!.slice(b + 1);
        writeFileSync(join(dir, journalFiles(dir)[0]!), `${changed.join('\n')}\n`);
        const verdict = verify(dir);
        expect(verdict.valid, `byte ${String(b)} of record ${String(r + 1)}`).toBe(false);
        expect(verdict.problem!.line, `byte ${String(b)} of record ${String(r + 1)}`).toBe(r + 1);
      }
    }
    writeFileSync(join(dir, journalFiles(dir)[0]!), original);
    expect(verify(dir).valid).toBe(true);
  });

  it('detects a removed record, two swapped records and a cut-off end, with the position', async () => {
    const dir = await journalWith(entries(8));
    const original = readFileSync(join(dir, journalFiles(dir)[0]!), 'utf8');
    rewrite(dir, (l) => l.filter((_, i) => i !== 4));
    expect(verify(dir).problem).toMatchObject({ kind: 'removed', line: 5, expectedSeq: 5 });
    writeFileSync(join(dir, journalFiles(dir)[0]!), original);
    rewrite(dir, (l) => [...l.slice(0, 2), l[3]!, l[2]!, ...l.slice(4)]);
    expect(verify(dir).problem).toMatchObject({ kind: 'reordered', line: 3, expectedSeq: 3 });
    writeFileSync(join(dir, journalFiles(dir)[0]!), original);
    rewrite(dir, (l) => l.slice(0, 6));
    expect(verify(dir).problem).toMatchObject({ kind: 'truncated', expectedSeq: 7 });
  });

  it('is checked by `dpa-guard audit verify` with exit 0 and 1', async () => {
    const dir = await journalWith(entries(5));
    const ok = await runCapture(['audit', 'verify', dir]);
    expect([ok.code, ok.stdout]).toEqual([
      0,
      expect.stringContaining('valid: 5 record(s) in one unbroken chain'),
    ]);
    rewrite(dir, (l) =>
      l.map((line, i) => (i === 1 ? line.replace('"provide"', '"improve"') : line)),
    );
    const bad = await runCapture(['audit', 'verify', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^BROKEN \(.*\): altered at audit-000001\.jsonl:2: record 2: /);
  });
});

describe('export and report', () => {
  it("exports one tenant's records and none of another's", async () => {
    const dir = await journalWith(entries(30));
    const out = await runCapture(['audit', 'export', '--tenant', 'flex', dir]);
    const exported = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(exported).toHaveLength(10);
    expect(exported.every((r) => r.tenant === 'flex')).toBe(true);
    expect(JSON.parse(out.stderr)).toMatchObject({
      tenant: 'flex',
      records: 10,
      kinds: { inspection: 10 },
    });
    const ranged = await runCapture([
      'audit',
      'export',
      '--tenant',
      'acme',
      '--from',
      '2026-11-01T08:10:00Z',
      '--to',
      '2026-11-01T08:20:00Z',
      dir,
    ]);
    expect(ranged.stdout.trim().split('\n')).toHaveLength(7);
    expect((await runCapture(['audit', 'export', dir])).code).toBe(2);
  });

  it('reports numbers that match a generated workload', async () => {
    const workload: AuditEntry[] = [];
    const expected = {
      provide: 0,
      support: 0,
      health: 0,
      bsn: 0,
      exceptions: 0,
      allowed: 0,
      refused: 0,
    };
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 400; i++) {
      const x = rnd();
      if (x < 0.6) {
        const purpose = rnd() < 0.7 ? 'provide' : 'support';
        const category = rnd() < 0.5 ? 'health' : 'bsn';
        const blocked = rnd() < 0.2;
        expected[purpose]++;
        if (blocked) expected[category]++;
        workload.push({
          kind: 'inspection',
          tenant: 'acme',
          purpose,
          decision: blocked ? 'block' : 'pass',
          categories: blocked ? [category] : [],
        });
      } else if (x < 0.75) {
        expected.exceptions++;
        workload.push({
          kind: 'exception-used',
          tenant: 'acme',
          categories: ['health'],
          details: { agreement: 'VO-1' },
        });
      } else {
        const allowed = rnd() < 0.8;
        expected[allowed ? 'allowed' : 'refused']++;
        workload.push({
          kind: 'transfer',
          tenant: 'acme',
          decision: allowed ? 'allowed' : 'refused',
          details: { subprocessor: 'mailer', country: 'DE' },
        });
      }
      workload.push({
        kind: 'inspection',
        tenant: 'flex',
        purpose: 'improve',
        decision: 'pass',
        categories: [],
      });
    }
    workload.push(
      {
        kind: 'breach-signal',
        tenant: 'acme',
        time: '2026-11-01T09:00:00.000Z',
        details: { signalId: 's1', kind: 'manual', deadline: '2026-11-02T09:00:00.000Z' },
      },
      {
        kind: 'breach-delivered',
        tenant: 'acme',
        time: '2026-11-01T09:00:05.000Z',
        details: { signalId: 's1' },
      },
      {
        kind: 'breach-signal',
        tenant: 'acme',
        time: '2026-11-01T09:00:00.000Z',
        details: { signalId: 's2', kind: 'leak-in-response', deadline: '2026-11-02T09:00:00.000Z' },
      },
      {
        kind: 'breach-delivered',
        tenant: 'acme',
        time: '2026-11-02T10:00:00.000Z',
        details: { signalId: 's2' },
      },
    );
    const dir = await journalWith(workload);
    const all = readJournalLines(dir).map((l) => JSON.parse(l.text) as AuditRecord);
    const report = buildReport(
      all,
      { tenant: 'acme' },
      DEFAULT_POLICY,
      new Date('2026-12-01T00:00:00Z'),
    );
    const [acme] = report.tenants;
    expect(report.tenants).toHaveLength(1);
    expect(acme!.processingPerPurpose).toEqual({
      provide: expected.provide,
      support: expected.support,
    });
    expect(acme!.blocksPerCategory).toEqual({
      ...(expected.health ? { health: expected.health } : {}),
      ...(expected.bsn ? { bsn: expected.bsn } : {}),
    });
    expect(acme!.exceptionsUsed).toEqual({ 'VO-1': expected.exceptions });
    expect(acme!.transfers).toEqual({
      'mailer (DE)': { allowed: expected.allowed, refused: expected.refused },
    });
    expect(acme!.breachSignals.map((s) => [s.id, s.metDeadline])).toEqual([
      ['s1', true],
      ['s2', false],
    ]);
    expect(report.securityMeasures.join(' ')).toContain('mode enforce');

    const html = join(dir, 'report.html');
    const cli = await runCapture(['audit', 'report', '--tenant', 'acme', '--html', html, dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(
      `processing per purpose: provide ${String(expected.provide)}, support ${String(expected.support)}`,
    );
    expect(cli.stdout).toContain('s2 leak-in-response: deadline 2026-11-02T09:00:00.000Z, MISSED');
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*class="bar"[\s\S]*MISSED/);
  });
});

describe('the journal after a crash', () => {
  it('cuts a torn last record and goes on with one unbroken chain', async () => {
    const dir = await journalWith(entries(3));
    const [file] = journalFiles(dir);
    writeFileSync(join(dir, file!), `${readFileSync(join(dir, file!), 'utf8')}{"kind":"insp`);
    const again = new FileAuditJournal(dir);
    expect((await again.append({ kind: 'transfer', decision: 'allowed' })).seq).toBe(4);
    await again.close();
    expect(verify(dir)).toEqual({ valid: true, records: 4 });
  });

  it('never cuts the journal for a failure that is not a torn line (out of stack, say)', async () => {
    const dir = await journalWith(entries(5));
    const before = readFileSync(join(dir, journalFiles(dir)[0]!), 'utf8');
    const parse = JSON.parse;
    JSON.parse = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    const journal = new FileAuditJournal(dir);
    try {
      await expect(journal.append(entries(1)[0]!)).rejects.toThrow(RangeError);
    } finally {
      JSON.parse = parse;
    }
    await journal.close();
    expect(readFileSync(join(dir, journalFiles(dir)[0]!), 'utf8')).toBe(before);
    expect(verify(dir)).toEqual({ valid: true, records: 5 });
  });

  it('continues the chain of the previous file when a rotation left an empty one', async () => {
    const dir = await journalWith(entries(3));
    writeFileSync(join(dir, 'audit-000002.jsonl'), '');
    const again = new FileAuditJournal(dir);
    expect((await again.append({ kind: 'transfer', decision: 'allowed' })).seq).toBe(4);
    await again.close();
    expect(verify(dir).valid).toBe(true);
  });
});

describe('chainLine', () => {
  it('writes exactly the canonical JSON of the record, then its hash', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const samples: AuditEntry[] = [
      { kind: 'inspection', decision: 'pass', categories: [] },
      {
        kind: 'inspection',
        tenant: 'acme',
        purpose: 'support',
        route: 'POST /notes',
        policyVersion: '2026.11.1+acme.3',
        categories: ['health', 'bsn'],
        decision: 'block',
        rule: 'health.term bsn.bare',
        details: { incomplete: 'max-depth', nested: { z: 1, a: [true, null, 'x"y'] } },
        time: '2026-11-25T09:59:59.000Z',
      },
      { kind: 'transfer', tenant: undefined, decision: 'refused' },
      // A caller's own field is kept and hashed, in its sorted place.
      { kind: 'inspection', decision: 'pass', aaa: 'own field' } as AuditEntry,
    ];
    let previous: { seq: number; hash: string } | undefined;
    for (const entry of samples) {
      const { record, line } = chainLine(entry, previous, now);
      const { hash, ...rest } = record;
      expect(line).toBe(`${canonicalJson(rest).slice(0, -1)},"hash":"${hash}"}`);
      expect(JSON.parse(line)).toEqual(record);
      expect(hashRecord(record)).toBe(hash);
      expect(record.prev).toBe(previous?.hash ?? '');
      previous = { seq: record.seq, hash };
    }
    expect(previous?.seq).toBe(samples.length);
    // A previous hash that is not what we write (read back from a tampered store) is
    // still written as valid JSON.
    const odd = chainLine({ kind: 'inspection' }, { seq: 7, hash: 'x"y' }, now);
    expect(JSON.parse(odd.line)).toMatchObject({ seq: 8, prev: 'x"y' });
  });
});
