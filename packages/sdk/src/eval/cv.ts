#!/usr/bin/env node
// `npm run cv`: writer-out cross-validation on the train split, the signal to tune by.
// `dev` holds other cases of the same writers as `train`, so it flatters whatever learns a
// writer's habits; `test` is for reporting only. Here each fold holds out whole writers
// (a case's writer is its id up to the last "-"), trains on the others with train.js and
// scores the held-out writers with the model it made; the folds' counts are pooled.
//
//   node dist/eval/cv.js CORPUS_DIR [--folds N] [-- TRAIN_OPTIONS...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Counts } from './score.js';
import { f1, precision, recall } from './score.js';

const { values, positionals } = parseArgs({
  options: {
    folds: { type: 'string', default: '4' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help === true || positionals.length === 0) {
  process.stdout.write(
    'Usage: node dist/eval/cv.js CORPUS_DIR [--folds N] [-- TRAIN_OPTIONS...]\n' +
      "  holds out whole writers of CORPUS_DIR/train.jsonl, N folds (default 4), and pools the folds' scores;\n" +
      '  options after -- go to train.js (--epochs, --l2, --text-rate, --min-count, --seed)\n',
  );
  process.exit(values.help === true ? 0 : 2);
}
const [corpus, ...trainOptions] = positionals as [string, ...string[]];
const folds = Number(values.folds);
if (!Number.isInteger(folds) || folds < 2) {
  process.stderr.write(`--folds must be a whole number of at least 2, not ${values.folds}\n`);
  process.exit(2);
}

interface FoldResult {
  overall: Counts;
  perCategory: Record<string, Counts>;
  decision: { right: number; total: number };
  hardNegatives: { blocked: number; total: number };
}

const lines = readFileSync(join(corpus, 'train.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const writerOf = (line: string) => {
  const id = (JSON.parse(line) as { id: string }).id;
  return id.slice(0, Math.max(0, id.lastIndexOf('-')));
};
const writers = [...new Set(lines.map(writerOf))].sort();
const foldOf = new Map(writers.map((w, i) => [w, i % folds]));
const here = new URL('.', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'dpa-guard-cv-'));
const pooled: FoldResult = {
  overall: { tp: 0, fp: 0, fn: 0 },
  perCategory: {},
  decision: { right: 0, total: 0 },
  hardNegatives: { blocked: 0, total: 0 },
};
try {
  for (let k = 0; k < folds; k++) {
    const dir = join(work, `fold-${String(k)}`);
    mkdirSync(dir);
    const held = (l: string) => foldOf.get(writerOf(l)) === k;
    writeFileSync(join(dir, 'train.jsonl'), lines.filter((l) => !held(l)).join('\n') + '\n');
    writeFileSync(join(dir, 'dev.jsonl'), lines.filter(held).join('\n') + '\n');
    const model = join(dir, 'model.json');
    run(join(here, '../model/train.js'), [
      dir,
      '--split',
      'train',
      '--out',
      model,
      ...trainOptions,
    ]);
    const result = JSON.parse(
      run(join(here, 'main.js'), [dir, '--split', 'dev', '--model', model, '--json']),
    ) as FoldResult;
    for (const part of ['tp', 'fp', 'fn'] as const) {
      pooled.overall[part] += result.overall[part];
      for (const [category, counts] of Object.entries(result.perCategory))
        (pooled.perCategory[category] ??= { tp: 0, fp: 0, fn: 0 })[part] += counts[part];
    }
    pooled.decision.right += result.decision.right;
    pooled.decision.total += result.decision.total;
    pooled.hardNegatives.blocked += result.hardNegatives.blocked;
    pooled.hardNegatives.total += result.hardNegatives.total;
    const heldOut = writers.filter((w) => foldOf.get(w) === k);
    process.stdout.write(
      `fold ${String(k + 1)}/${String(folds)} (${heldOut.join(' ')}): ${line(result)}\n`,
    );
  }
  process.stdout.write(`pooled over ${String(writers.length)} writers: ${line(pooled)}\n`);
  process.stdout.write(
    `F1 per category: ${Object.entries(pooled.perCategory)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, counts]) => `${category} ${f1(counts).toFixed(3)}`)
      .join(', ')}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

function run(script: string, args: string[]): string {
  const child = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  if (child.status !== 0) {
    process.stderr.write(child.stderr);
    throw new Error(`${script} exited ${String(child.status)}`);
  }
  return child.stdout;
}

function line({ overall, decision, hardNegatives }: FoldResult): string {
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  return (
    `P ${precision(overall).toFixed(3)} R ${recall(overall).toFixed(3)} F1 ${f1(overall).toFixed(3)}, ` +
    `decisions ${pct(decision.right, decision.total)}, ` +
    `hard negatives blocked ${pct(hardNegatives.blocked, hardNegatives.total)}`
  );
}
