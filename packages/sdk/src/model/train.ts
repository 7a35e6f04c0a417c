#!/usr/bin/env node
// `npm run train`: trains the learned judgment of detection (is this candidate data about a
// person?) on the corpus's train and dev splits, deterministically, and writes
// data/model.json with its provenance. Logistic regression over hashed features, fitted by
// AdaGrad with L2 regularisation, cases in an order fixed by a seeded shuffle: the same
// corpus and code always give the same weights, in seconds on one core.
//
//   node dist/model/train.js CORPUS_DIR [--split train]... [--out FILE] [--epochs N]
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { DetectionEngine } from '../detect/engine.js';
import { BUCKETS, isTextFeature } from '../detect/features.js';
import type { BsnCandidate } from '../detect/bsn.js';
import type { Candidate } from '../detect/special.js';
import { Model } from '../detect/model.js';
import type { LabelledCase } from '../eval/score.js';

const { values, positionals } = parseArgs({
  options: {
    split: { type: 'string', multiple: true },
    out: { type: 'string' },
    epochs: { type: 'string' },
    l2: { type: 'string' },
    'min-count': { type: 'string' },
    'text-rate': { type: 'string' },
    seed: { type: 'string' },
    runs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help === true || positionals.length !== 1) {
  process.stdout.write(
    'Usage: node dist/model/train.js CORPUS_DIR [--split NAME]... [--out FILE] [--epochs N] [--l2 X] [--min-count N] [--text-rate X] [--seed N] [--runs N]\n' +
      '  trains on the splits named (default: train and dev) and writes the model (default: data/model.json)\n',
  );
  process.exit(values.help === true ? 0 : 2);
}
const corpus = positionals[0]!;
const splits = values.split ?? ['train', 'dev'];
// Epochs and the text rate were chosen by writer-out cross-validation (npm run cv).
const epochs = Number(values.epochs ?? 6);
const l2 = Number(values.l2 ?? 1e-5);
// A feature seen in fewer training candidates than this gets no weight: with a few thousand
// candidates, a word met once or twice (AdaGrad moves rare features fastest) learns the
// accident of the case it came from, not the kind of text, and then fires on unseen text.
const minCount = Number(values['min-count'] ?? 1);
// Words of the text learn at a fraction of the rate of the lexicon's and the field's signals:
// there are tens of thousands of them and a few thousand candidates, and at the full rate
// the words of a lesson outvote its being a lesson.
const textRate = Number(values['text-rate'] ?? 0.5);
const RATE = 0.2;
// The order cases are learned in; another seed shows how much a change owes to the order.
const seed = Number(values.seed ?? 20261201);
// Runs averaged (see below): one run's weights owe much to its order of cases, and a
// sentence near the threshold ("I am a member of the trade union") went either way.
const runs = Number(values.runs ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a whole number of at least 1, not ${String(values.runs)}\n`);
  process.exit(2);
}
const out = values.out ?? new URL('../../data/model.json', import.meta.url).pathname;

interface Sample {
  hashes: number[];
  /** Per hash, whether it is a word of the text (see isTextFeature). */
  text: boolean[];
  label: 0 | 1;
  weight: number;
}

/** Candidates of every case, each labelled by whether its category is expected at its path. */
function samplesOf(cases: readonly LabelledCase[]): Sample[] {
  const engine = new DetectionEngine({ ...DEFAULT_POLICY.detection, threshold: 0 });
  const samples: Sample[] = [];
  for (const c of cases) {
    const expected = new Set(c.expect.map((e) => `${e.category}\u0000${e.path}`));
    const expectedCategories = new Set(c.expect.map((e) => e.category));
    const allowed = new Set(c.allow ?? []);
    engine.detect(c.input, (path, candidate) => {
      const key = `${candidate.category}\u0000${path}`;
      if (expected.has(key))
        samples.push({
          hashes: candidate.features.hashes,
          text: textFlags(candidate),
          label: 1,
          weight: 1,
        });
      else if (allowed.has(candidate.category)) return;
      // The category is expected elsewhere in this body: this place is likely clean, but
      // writers label the main place only, so it counts for less.
      else
        samples.push({
          hashes: candidate.features.hashes,
          text: textFlags(candidate),
          label: 0,
          weight: expectedCategories.has(candidate.category) ? 0.3 : 1,
        });
    });
  }
  return samples;
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The samples with every feature seen in fewer than `minCount` of them left out. */
function withoutRareFeatures(samples: readonly Sample[]): Sample[] {
  const seen = new Uint32Array(BUCKETS);
  for (const s of samples) for (const h of new Set(s.hashes)) seen[h]!++;
  return samples.map((s) => {
    const keep = s.hashes.map((h) => seen[h]! >= minCount);
    return {
      ...s,
      hashes: s.hashes.filter((_, i) => keep[i]),
      text: s.text.filter((_, i) => keep[i]),
    };
  });
}

function textFlags(candidate: Candidate | BsnCandidate): boolean[] {
  return (candidate.features.names ?? []).map(isTextFeature);
}

function train(samples: readonly Sample[], runSeed: number): Float32Array {
  const w = new Float32Array(BUCKETS);
  const g2 = new Float32Array(BUCKETS).fill(1e-6);
  const order = samples.map((_, i) => i);
  const next = random(runSeed);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const s = samples[k]!;
      let z = 0;
      for (const h of s.hashes) z += w[h]!;
      const p = 1 / (1 + Math.exp(-z));
      const gradient = (p - s.label) * s.weight;
      for (let i = 0; i < s.hashes.length; i++) {
        const h = s.hashes[i]!;
        const g = gradient + l2 * w[h]!;
        g2[h]! += g * g;
        w[h]! -= ((s.text[i] === true ? RATE * textRate : RATE) * g) / Math.sqrt(g2[h]!);
      }
    }
  }
  return w;
}

const files = splits.map((s) => join(corpus, `${s}.jsonl`));
const cases = files.flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledCase),
);
const started = Date.now();
const samples = withoutRareFeatures(samplesOf(cases));
// The weights of several runs, each learning the cases in its own order, averaged: one
// linear model still, whose judgments owe less to the order of any one run.
const weights = new Float32Array(BUCKETS);
for (let r = 0; r < runs; r++) {
  const w = train(samples, seed + r);
  for (let i = 0; i < BUCKETS; i++) weights[i]! += w[i]! / runs;
}
let right = 0;
const model = new Model(weights);
for (const s of samples) if ((model.score(s.hashes) >= 0.5 ? 1 : 0) === s.label) right++;
const provenance = {
  what: 'dpa-guard detection: the learned judgment of special-category candidates (is this data about a person?)',
  trainedBy: 'packages/sdk/src/model/train.ts (npm run train), deterministic',
  corpus: files.map((f) => ({
    // Named as in the repo, wherever it is checked out: the model must not depend on it.
    file: `corpus/${basename(f)}`,
    sha256: createHash('sha256').update(readFileSync(f)).digest('hex'),
  })),
  cases: cases.length,
  candidates: samples.length,
  positives: samples.filter((s) => s.label === 1).length,
  method: {
    model: 'logistic regression over hashed features',
    buckets: BUCKETS,
    epochs,
    l2,
    minCount,
    rate: RATE,
    textRate,
    optimiser: 'AdaGrad',
    seed,
    runs,
  },
  licence: "MIT; trained on the project's own corpus (corpus/README.md)",
};
writeFileSync(out, `${JSON.stringify(Model.toFile(weights, provenance))}\n`);
process.stdout.write(
  `trained on ${String(cases.length)} cases (${splits.join(', ')}): ${String(samples.length)} candidates, ` +
    `${String(provenance.positives)} positive; fit ${((100 * right) / samples.length).toFixed(1)}% ` +
    `in ${String(Date.now() - started)} ms -> ${out}\n`,
);
