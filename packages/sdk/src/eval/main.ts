#!/usr/bin/env node
// `npm run eval`: scores the detection engine on a labelled corpus (JSON Lines) with the
// built-in policy and prints precision, recall and F1 per category and overall.
import { readFileSync } from 'node:fs';
import { createGuard } from '../guard.js';
import { formatScores, score, type CaseResult, type LabelledCase } from './score.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('Usage: node dist/eval/main.js CORPUS.jsonl [--verbose]\n');
  process.exit(2);
}
const verbose = process.argv.includes('--verbose');
const cases = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as LabelledCase);
const guard = createGuard();
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
process.stdout.write(
  `dpa-guard detection on ${file}: ${cases.length} cases\n\n${formatScores(scores)}\n`,
);
if (verbose) {
  for (const m of scores.misses) process.stdout.write(`miss        ${m.id} ${m.category}\n`);
  for (const f of scores.falseAlarms)
    process.stdout.write(`false alarm ${f.id} ${f.category} ${f.path}\n`);
}
