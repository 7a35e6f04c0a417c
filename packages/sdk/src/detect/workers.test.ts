import { afterEach, describe, expect, it } from 'vitest';
import { createGuard, type Guard } from '../guard.js';

// A body of a few KiB: large enough for the workers once minBytes is lowered.
function body(extra: Record<string, unknown>) {
  return {
    rows: Array.from({ length: 60 }, (_, i) => ({
      id: `row-${i}`,
      remark: 'Cursist was op tijd en heeft actief meegedaan aan de praktijkoefeningen.',
    })),
    ...extra,
  };
}
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('inspectAsync: large bodies are inspected in a worker thread', () => {
  let guard: Guard | undefined;
  afterEach(async () => {
    await guard?.close();
    guard = undefined;
  });
  const make = () =>
    (guard = createGuard({
      audit: { enabled: false },
      breach: { deliver: false, logger: false },
      inspectionWorkers: { minBytes: 1024, threads: 1 },
    }));

  it('decides as inspect does, findings and all, and never returns the value', async () => {
    const g = make();
    const cases = [
      body({}),
      body({ note: 'mijn bsn is 111222333' }),
      body({ absence: { reason: 'Ik heb epilepsie en mag nog niet rijden.' } }),
    ];
    for (const value of cases) {
      const json = bytes(value);
      expect(json.byteLength).toBeGreaterThan(1024);
      const inPlace = g.inspect(value, { json });
      const offThread = await g.inspectAsync(value, { json });
      expect(offThread).toEqual(inPlace);
      const answer = JSON.stringify(offThread);
      expect(answer).not.toContain('111222333');
      expect(answer).not.toContain('epilepsie');
    }
    expect(g.inspect(cases[1]).blocked).toBe(true);
  });

  it('inspects many bodies at once, each answer for its own body', async () => {
    const g = make();
    const values = Array.from({ length: 12 }, (_, i) =>
      body(i % 3 === 0 ? { note: 'bsn 111222333' } : { note: `opmerking ${i}` }),
    );
    const decisions = await Promise.all(values.map((v) => g.inspectAsync(v, { json: bytes(v) })));
    expect(decisions.map((d) => d.blocked)).toEqual(values.map((_, i) => i % 3 === 0));
  });

  it('inspects small bodies in place, and loses nothing when the workers are gone', async () => {
    const g = make();
    const small = { note: 'bsn 111222333' };
    expect((await g.inspectAsync(small, { json: bytes(small) })).blocked).toBe(true);
    await g.close();
    const large = body({ note: 'bsn 111222333' });
    // Closed workers refuse; the body is inspected on this thread instead.
    expect((await g.inspectAsync(large, { json: bytes(large) })).blocked).toBe(true);
    guard = undefined;
  });

  it('refuses options that are not numbers', () => {
    expect(() =>
      createGuard({ inspectionWorkers: { threads: 0 }, audit: { enabled: false } }),
    ).toThrow(/threads/);
  });
});
