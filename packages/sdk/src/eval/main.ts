#!/usr/bin/env node
// `npm run eval`: scores the detection engine on the labelled corpus with the built-in
// policy: precision, recall and F1 per category and overall, JSON Pointer and block/pass
// accuracy, and how many hard negatives were blocked, for every split given.
//
//   node dist/eval/main.js CORPUS_DIR|FILE.jsonl... [--split train|dev|test]... [--verbose]
//     [--model FILE] [--json]
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGuard } from '../guard.js';
import { useModelFile } from '../detect/model.js';
import { formatScores, score, type CaseResult, type LabelledCase } from './score.js';

const SPLITS = ['train', 'dev', 'test'];
const { values, positionals } = parseArgs({
  options: {
    split: { type: 'string', multiple: true },
    verbose: { type: 'boolean' },
    model: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help === true || positionals.length === 0) {
  process.stdout.write(
    'Usage: node dist/eval/main.js CORPUS_DIR|FILE.jsonl... [--split NAME]... [--verbose] [--model FILE] [--json]\n' +
      '  a directory is read as its train.jsonl, dev.jsonl and test.jsonl (or the splits named)\n' +
      '  --model FILE  judge with this model (from train.js --out) instead of data/model.json\n' +
      '  --json        one JSON line per file: counts overall and per category, decisions, hard negatives\n',
  );
  process.exit(values.help === true ? 0 : 2);
}
const files = positionals.flatMap((given) =>
  existsSync(given) && statSync(given).isDirectory()
    ? (values.split ?? SPLITS).map((s) => join(given, `${s}.jsonl`)).filter((f) => existsSync(f))
    : [given],
);
if (values.model !== undefined) useModelFile(values.model);
const guard = createGuard({ audit: { enabled: false }, breach: { logger: false } });
for (const file of files) {
  const cases = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledCase & { tags?: string[] });
  const results = new Map<string, CaseResult>();
  for (const c of cases) {
    const decision = guard.inspect(c.input);
    results.set(c.id, {
      id: c.id,
      found: decision.findings.map(({ category, path }) => ({ category, path })),
      blocked: decision.blocked,
    });
  }
  const scores = score(cases, results);
  const hard = cases.filter((c) => c.tags?.includes('hard-negative') === true);
  const hardBlocked = hard.filter((c) => results.get(c.id)?.blocked === true).length;
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({
        file: basename(file),
        cases: cases.length,
        overall: scores.overall,
        perCategory: Object.fromEntries(scores.perCategory),
        decision: scores.decision,
        hardNegatives: { blocked: hardBlocked, total: hard.length },
      })}\n`,
    );
    continue;
  }
  process.stdout.write(
    `dpa-guard detection on ${basename(file)}: ${String(cases.length)} cases\n\n${formatScores(scores)}\n` +
      `hard negatives blocked: ${String(hardBlocked)}/${String(hard.length)} (${((100 * hardBlocked) / Math.max(1, hard.length)).toFixed(1)}%)\n\n`,
  );
  if (values.verbose === true) {
    for (const m of scores.misses) process.stdout.write(`miss        ${m.id} ${m.category}\n`);
    for (const f of scores.falseAlarms)
      process.stdout.write(`false alarm ${f.id} ${f.category} ${f.path}\n`);
    process.stdout.write('\n');
  }
}
await guard.close();
