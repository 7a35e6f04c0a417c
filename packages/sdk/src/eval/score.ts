import type { Category } from '../policy/types.js';

/** One labelled case of a detection corpus (see shared/corpus/README.md). */
export interface LabelledCase {
  id: string;
  input: unknown;
  expect: { category: Category; path: string }[];
  allow?: Category[];
}

export interface CaseResult {
  id: string;
  found: { category: Category; path: string }[];
  blocked: boolean;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scores {
  perCategory: Map<Category, Counts>;
  overall: Counts;
  /** Of the true positives, how many named the expected JSON Pointer. */
  pointer: { right: number; total: number };
  /** How often block/pass was right (a case with only allowed findings may go either way). */
  decision: { right: number; total: number };
  misses: { id: string; category: Category }[];
  falseAlarms: { id: string; category: Category; path: string }[];
}

/**
 * Scores detection per case and category: found and expected is a true positive,
 * expected and not found a miss, found and neither expected nor allowed a false alarm.
 */
export function score(
  cases: readonly LabelledCase[],
  results: ReadonlyMap<string, CaseResult>,
): Scores {
  const perCategory = new Map<Category, Counts>();
  const counts = (c: Category) => {
    let entry = perCategory.get(c);
    if (entry === undefined) perCategory.set(c, (entry = { tp: 0, fp: 0, fn: 0 }));
    return entry;
  };
  const scores: Scores = {
    perCategory,
    overall: { tp: 0, fp: 0, fn: 0 },
    pointer: { right: 0, total: 0 },
    decision: { right: 0, total: 0 },
    misses: [],
    falseAlarms: [],
  };
  for (const c of cases) {
    const result = results.get(c.id);
    const found = result?.found ?? [];
    const expected = new Set(c.expect.map((e) => e.category));
    const allowed = new Set(c.allow ?? []);
    const foundCategories = new Set(found.map((f) => f.category));
    for (const category of expected) {
      if (foundCategories.has(category)) {
        counts(category).tp++;
        scores.overall.tp++;
        const paths = c.expect.filter((e) => e.category === category).map((e) => e.path);
        scores.pointer.total++;
        if (found.some((f) => f.category === category && paths.includes(f.path)))
          scores.pointer.right++;
      } else {
        counts(category).fn++;
        scores.overall.fn++;
        scores.misses.push({ id: c.id, category });
      }
    }
    for (const category of foundCategories) {
      if (expected.has(category) || allowed.has(category)) continue;
      counts(category).fp++;
      scores.overall.fp++;
      scores.falseAlarms.push({
        id: c.id,
        category,
        path: found.find((f) => f.category === category)?.path ?? '',
      });
    }
    scores.decision.total++;
    const shouldBlock = c.expect.length > 0;
    const onlyAllowed = !shouldBlock && [...foundCategories].every((f) => allowed.has(f));
    if ((result?.blocked ?? false) === shouldBlock || (onlyAllowed && foundCategories.size > 0))
      scores.decision.right++;
  }
  return scores;
}

export function precision(c: Counts): number {
  return c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
}
export function recall(c: Counts): number {
  return c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
}
export function f1(c: Counts): number {
  const p = precision(c);
  const r = recall(c);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** The score table people read: one row per category, then overall. */
export function formatScores(scores: Scores): string {
  const rows = [['category', 'tp', 'fp', 'fn', 'precision', 'recall', 'f1']];
  const row = (name: string, c: Counts) =>
    rows.push([
      name,
      String(c.tp),
      String(c.fp),
      String(c.fn),
      precision(c).toFixed(3),
      recall(c).toFixed(3),
      f1(c).toFixed(3),
    ]);
  for (const [category, c] of [...scores.perCategory].sort(([a], [b]) => (a < b ? -1 : 1)))
    row(category, c);
  row('overall', scores.overall);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const pct = (x: { right: number; total: number }) =>
    `${x.right}/${x.total} (${((100 * x.right) / Math.max(1, x.total)).toFixed(1)}%)`;
  lines.push(
    '',
    `JSON Pointer right: ${pct(scores.pointer)}`,
    `block/pass right:   ${pct(scores.decision)}`,
  );
  return lines.join('\n');
}
