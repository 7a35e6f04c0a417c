import { readFileSync } from 'node:fs';

/**
 * Reads a data file shipped in the package's `data/` folder (word lists, region data).
 * Relative to this module, so it works from the sources and from `dist/` alike.
 */
export function readDataFile<T>(relativePath: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../data/${relativePath}`, import.meta.url), 'utf8'),
  ) as T;
}

/**
 * A matcher for JSON field names. Names are compared lowercased with every non-letter
 * removed ("medische_info", "medischeInfo" → "medischeinfo"), against patterns in the
 * lexicon syntax for one word: `name`, `name*`, `*name`, `*name*`.
 */
export function compileKeyPatterns(patterns: readonly string[]): (key: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const infixes: string[] = [];
  for (const raw of patterns) {
    const lead = raw.startsWith('*');
    const trail = raw.endsWith('*');
    const core = raw.slice(lead ? 1 : 0, trail ? -1 : undefined).replace(/[^a-z]/g, '');
    if (lead && trail) infixes.push(core);
    else if (lead) suffixes.push(core);
    else if (trail) prefixes.push(core);
    else exact.add(core);
  }
  const test = (name: string): boolean => {
    if (exact.has(name)) return true;
    for (const p of prefixes) if (name.startsWith(p)) return true;
    for (const s of suffixes) if (name.endsWith(s)) return true;
    for (const i of infixes) if (name.includes(i)) return true;
    return false;
  };
  // Names carry prefixes ("q3_herkomst", "hrEthnicity", "user.bsn"): the name from each
  // word on is tried too, so "herkomst*" finds "q3_herkomst".
  return (key) => keyTails(key).some(test);
}

/** The squashed name from each of its words on: "q3_herkomst" → "qherkomst", "herkomst". */
function keyTails(key: string): string[] {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z\u00C0-\u024F]+/)
    .map(squashKey)
    .filter((w) => w !== '');
  return words.map((_, i) => words.slice(i).join(''));
}

/** A field name as key patterns see it: lower case, letters only, diacritics removed. */
export function squashKey(key: string): string {
  return key
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
