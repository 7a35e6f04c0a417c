// The evaluation tools behave as the corpus README says: `eval --model --json` scores with
// the model given, and `cv` holds out whole writers and pools what the folds scored.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const dist = (script: string) => join(root, 'packages/sdk/dist', script);
const node = (script: string, args: string[]) =>
  execFileSync(process.execPath, [dist(script), ...args], { cwd: root, encoding: 'utf8' });

/** A small corpus of four writers: the first cases of four train writers. */
function smallCorpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dpa-cv-'));
  const lines = readFileSync(join(root, 'corpus/train.jsonl'), 'utf8').split('\n');
  const perWriter = new Map<string, string[]>();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const id = (JSON.parse(line) as { id: string }).id;
    const writer = id.slice(0, id.lastIndexOf('-'));
    const taken = perWriter.get(writer) ?? [];
    if ((perWriter.size < 4 || perWriter.has(writer)) && taken.length < 40) {
      taken.push(line);
      perWriter.set(writer, taken);
    }
  }
  writeFileSync(join(dir, 'train.jsonl'), [...perWriter.values()].flat().join('\n') + '\n');
  return dir;
}

describe('the evaluation tools', () => {
  it('eval --model --json scores a split with the model given, one JSON line', () => {
    const corpus = smallCorpus();
    const model = join(corpus, 'model.json');
    node('model/train.js', [corpus, '--split', 'train', '--out', model]);
    const out = JSON.parse(
      node('eval/main.js', [corpus, '--split', 'train', '--model', model, '--json']),
    ) as { cases: number; overall: { tp: number }; hardNegatives: { total: number } };
    expect(out.cases).toBe(160);
    expect(out.overall.tp).toBeGreaterThan(0);
  }, 60_000);

  it('cv holds out whole writers per fold and pools the folds', () => {
    const out = node('eval/cv.js', [smallCorpus(), '--folds', '2']);
    const folds = out.split('\n').filter((l) => l.startsWith('fold '));
    expect(folds).toHaveLength(2);
    // Each writer is held out in exactly one fold.
    const held = folds.flatMap((l) => /\(([^)]*)\)/.exec(l)![1]!.split(' '));
    expect(new Set(held).size).toBe(4);
    expect(held).toHaveLength(4);
    expect(out).toMatch(/^pooled over 4 writers: P \d\.\d{3} R \d\.\d{3} F1 \d\.\d{3}/m);
  }, 60_000);

  it('cv refuses a number of folds it cannot make', () => {
    expect(() =>
      execFileSync(process.execPath, [dist('eval/cv.js'), 'corpus', '--folds', '1'], {
        cwd: root,
        stdio: 'pipe',
      }),
    ).toThrow(/--folds must be a whole number of at least 2/);
  });
});
