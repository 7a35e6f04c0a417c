// The shipped model is what `npm run train` makes from the corpus in the repo: the same
// bytes, so the weights in packages/sdk/data/model.json have the provenance they claim.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('the shipped model', () => {
  it('is exactly what the training script makes from the corpus (deterministic)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dpa-model-')), 'model.json');
    execFileSync(
      process.execPath,
      [join(root, 'packages/sdk/dist/model/train.js'), join(root, 'corpus'), '--out', out],
      { cwd: root, stdio: 'pipe' },
    );
    const shipped = readFileSync(join(root, 'packages/sdk/data/model.json'), 'utf8');
    const made = readFileSync(out, 'utf8');
    const provenance = (JSON.parse(made) as { provenance: { corpus: { file: string }[] } })
      .provenance;
    expect(provenance.corpus.map((c) => c.file)).toEqual([
      'corpus/train.jsonl',
      'corpus/dev.jsonl',
    ]);
    // Compared whole: any change of features, corpus or method needs `npm run train`.
    expect(made === shipped, 'data/model.json is stale: run npm run train').toBe(true);
  }, 60_000);
});
