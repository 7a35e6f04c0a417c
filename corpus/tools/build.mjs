#!/usr/bin/env node
// Builds the corpus splits from the raw files, deterministically:
//   train.jsonl  80% of the train writers' cases (corpus/raw/*.jsonl), by a hash of the id
//   dev.jsonl    the other 20%, and ../shared/corpus/dev.jsonl (copied in as corpus/raw/shared-dev.jsonl)
//   test.jsonl   every case of the test writers (corpus/raw/test/*.jsonl), who never saw the
//                detector; scored to report, never to tune
// Label corrections from the reviews (corpus/review/*.jsonl) are applied on the way.
//
//   node corpus/tools/build.mjs          write the splits
//   node corpus/tools/build.mjs --check  exit 1 if the splits on disk are not what the raw files make

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCase } from './check.mjs';

const corpus = new URL('..', import.meta.url).pathname;
const DEV_SHARE = 0.2;

function readLines(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

function files(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}

/** The reviews' corrections by case id: the full expect/allow they suggest. */
function corrections() {
  const dir = join(corpus, 'review');
  const byId = new Map();
  if (!existsSync(dir)) return byId;
  for (const file of files(dir))
    for (const r of readLines(file)) if (r.suggest !== undefined) byId.set(r.id, r.suggest);
  return byId;
}

/** Where a train writer's case goes: a stable hash of its id. */
function isDev(id) {
  const h = createHash('sha256').update(id).digest().readUInt32BE(0);
  return h / 2 ** 32 < DEV_SHARE;
}

function corrected(c, fixes) {
  const fix = fixes.get(c.id);
  if (fix === undefined) return c;
  const out = { ...c, expect: fix.expect ?? c.expect };
  if (fix.allow !== undefined && fix.allow.length > 0) out.allow = fix.allow;
  else delete out.allow;
  return out;
}

export function buildSplits() {
  const fixes = corrections();
  const splits = { train: [], dev: [], test: [] };
  for (const file of files(join(corpus, 'raw'))) {
    const shared = file.endsWith('shared-dev.jsonl');
    for (const c of readLines(file)) {
      const split = shared || isDev(c.id) ? 'dev' : 'train';
      splits[split].push(corrected(c, fixes));
    }
  }
  for (const file of files(join(corpus, 'raw', 'test')))
    for (const c of readLines(file)) splits.test.push(corrected(c, fixes));
  for (const [name, cases] of Object.entries(splits))
    for (const c of cases) {
      const { errors } = checkCase(c);
      if (errors.length > 0) throw new Error(`${name} ${c.id}: ${errors.join('; ')}`);
    }
  return splits;
}

function serialise(cases) {
  return cases.map((c) => `${JSON.stringify(c)}\n`).join('');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [name, cases] of Object.entries(buildSplits())) {
    const path = join(corpus, `${name}.jsonl`);
    const text = serialise(cases);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
        console.log(
          `${name}.jsonl is not what the raw files make: run node corpus/tools/build.mjs`,
        );
        stale = true;
      }
      continue;
    }
    writeFileSync(path, text);
    const clean = cases.filter((c) => c.expect.length === 0).length;
    const hard = cases.filter((c) => (c.tags ?? []).includes('hard-negative')).length;
    console.log(`${name}.jsonl: ${cases.length} cases, ${clean} clean, ${hard} hard negatives`);
  }
  process.exitCode = stale ? 1 : 0;
}
