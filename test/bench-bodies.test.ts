// The bench's bodies are ordinary platform writes: every string of them must stay on the
// screen's fast path, and the course import must pass. A word list or screen literal that
// sends such text to the full path (a phrase screened by one common word: "vast" of
// "zit ~ vast" flagged "de video liep vast") makes the guard several times slower without
// changing a decision; this holds the cause, not a timing.
import { describe, expect, it } from 'vitest';
import { bulkImport, typedWrite, typicalWrite } from '../bench/bodies.js';
import { courseImport } from '../bench/course-content.js';
import { DetectionEngine, sharedPrefilter } from '../packages/sdk/src/detect/engine.js';
import { DEFAULT_POLICY } from '../packages/sdk/src/policy/defaults.js';

const engine = new DetectionEngine(DEFAULT_POLICY.detection);

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

describe("the bench's bodies", () => {
  it.each([
    ['a 2 KB write', typicalWrite()],
    ['a 2 KB write, typed', typedWrite()],
    ['a 1 MB import', bulkImport()],
  ])('%s: no string needs the full path, and the bytes screen says so in one pass', (_, json) => {
    const prefilter = sharedPrefilter();
    const flagged = [...new Set(strings(JSON.parse(json)))].filter((s) => prefilter.mayHold(s));
    expect(flagged).toEqual([]);
    expect(engine.detectJson(Buffer.from(json), JSON.parse(json)).findings).toEqual([]);
  });

  it('a 1 MB course import of first-aid lessons passes', () => {
    const json = courseImport();
    expect(engine.detect(JSON.parse(json)).findings).toEqual([]);
  });
});
