import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileOutbox, readOutbox } from './file-outbox.js';
import { createSignal } from './signal.js';

const settings = {
  hooks: {},
  deadlineHours: 24,
  escalateBeforeHours: 4,
  massExport: { subjects: 500, windowMinutes: 60 },
};
const signal = (n: number) =>
  createSignal(
    { kind: 'manual', tenants: ['acme'], nature: `signal ${String(n)}`, categories: [] },
    settings,
    new Date('2026-11-25T10:00:00Z'),
  );

describe('the file outbox', () => {
  it('keeps what was added across a reopen, with delivery states', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-fo-'));
    const a = new FileOutbox(dir);
    const s1 = signal(1);
    await a.add(s1);
    await a.add(s1); // the same id twice keeps one
    await a.setDelivery(s1.id, 'primary', {
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 503',
    });
    await a.close();
    const b = new FileOutbox(dir);
    expect(await b.entries()).toEqual([
      {
        signal: s1,
        deliveries: { primary: { status: 'pending', attempts: 1, lastError: 'HTTP 503' } },
      },
    ]);
    await b.close();
  });

  it('cuts a record torn by a crash and keeps every whole one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-fo-'));
    const a = new FileOutbox(dir);
    const [s1, s2] = [signal(1), signal(2)];
    await a.add(s1);
    await a.add(s2);
    await a.close();
    appendFileSync(join(dir, 'outbox.jsonl'), '{"t":"add","signal":{"id":"brs_tor'); // torn write
    const b = new FileOutbox(dir);
    expect((await b.entries()).map((e) => e.signal.id)).toEqual([s1.id, s2.id]);
    expect(b.discarded).toBe(1);
    await b.add(signal(3)); // appends after the cut, on a line of its own
    await b.close();
    expect(
      readFileSync(join(dir, 'outbox.jsonl'), 'utf8').split('\n').filter(Boolean),
    ).toHaveLength(3);
    expect(readOutbox(dir)).toHaveLength(3);
  });

  it('compacts delivered signals away, atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-fo-'));
    const a = new FileOutbox(dir);
    const [s1, s2] = [signal(1), signal(2)];
    await a.add(s1);
    await a.add(s2);
    await a.setDelivery(s1.id, 'primary', { status: 'delivered', attempts: 1 });
    await a.compact((e) => Object.values(e.deliveries).some((d) => d.status === 'delivered'));
    expect((await a.entries()).map((e) => e.signal.id)).toEqual([s2.id]);
    await a.add(signal(3));
    await a.close();
    expect(readOutbox(dir).map((e) => e.signal.nature)).toEqual(['signal 2', 'signal 3']);
  });

  it('refuses a directory held by another live process, and takes over from a dead one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-fo-'));
    writeFileSync(join(dir, 'outbox.lock'), String(process.ppid));
    await expect(new FileOutbox(dir).entries()).rejects.toThrow(/in use by process/);
    writeFileSync(join(dir, 'outbox.lock'), '999999999');
    const b = new FileOutbox(dir);
    expect(await b.entries()).toEqual([]);
    await b.close();
  });
});
