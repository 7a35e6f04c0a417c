// Finds lexicon terms among the words of a text, also as people type them: one or two
// letters off ("rheuma", "epilepcie"), with digits and symbols for letters ("z1ek"),
// spelled out ("e p i l e p s i e"), split in two ("suiker ziekte") or inside a compound
// ("longkankeronderzoek"). Each hit says how it matched, so the judgment that follows
// can weigh a typo less than the word itself.
import { fnv } from './features.js';
import type { Word } from './words.js';

/** One word of a term: a literal, and whether other letters may follow or precede it. */
export interface WordPattern {
  literal: string;
  /** `stem*`: the word may go on after the literal. */
  open: boolean;
  /** `*stem`: the word may begin before the literal. */
  closedBefore: boolean;
  /** `@class`: any one word of a class the index was given ("@place"); the literal is empty. */
  wordClass?: string;
  /** The class's own patterns, once the index has resolved it: its whole words as a set. */
  anyOf?: WordClass;
}

/** A word class resolved: its whole words looked up at once, the rest (stems) tried in turn. */
interface WordClass {
  words: ReadonlySet<string>;
  others: readonly WordPattern[];
}

export interface TermEntry<T> {
  term: string;
  words: readonly WordPattern[];
  payload: T;
  /** Per word, how many words of the text may stand before it (a `~` in the term). */
  gaps?: readonly number[];
}

/**
 * A `~` between a phrase's words lets up to this many words of the text stand there: Dutch
 * splits a verb around what it says ("zit sinds maart vast", "uit de kast ben gekomen").
 */
const GAP_WORDS = 3;

/** A term's word patterns, with the gap each may follow. */
function parseTerm(
  term: string,
  classes: ReadonlyMap<string, WordClass>,
): { words: WordPattern[]; gaps: number[] | undefined } {
  const words: WordPattern[] = [];
  const gaps: number[] = [];
  let gap = 0;
  for (const token of term.split(' ')) {
    if (token === '~') {
      gap = GAP_WORDS;
      continue;
    }
    for (const p of parseWord(token)) {
      if (p.wordClass !== undefined) {
        const anyOf = classes.get(p.wordClass);
        if (anyOf === undefined) throw new Error(`term "${term}" names an unknown class`);
        if (words.length === 0) throw new Error(`term "${term}" must not start with a class`);
        words.push({ ...p, anyOf });
      } else words.push(p);
      gaps.push(gap);
      gap = 0;
    }
  }
  return { words, gaps: gaps.some((g) => g > 0) ? gaps : undefined };
}

/** How a term was matched. */
export type MatchKind = 'exact' | 'stem' | 'compound' | 'fuzzy' | 'leet' | 'spelled' | 'joined';

export interface TermMatch<T> {
  entry: TermEntry<T>;
  /** The words it covers: words[first] … words[last]. */
  first: number;
  last: number;
  match: MatchKind;
  /** Edits between the word and the literal, for a fuzzy match. */
  edits: number;
}

/** Letters a term's literal must have for a match with one edit, and with two: shorter
 * words have too many neighbours. */
export const FUZZY_1 = 7;
export const FUZZY_2 = 12;
/** A strong literal this long may stand inside a longer word (a Dutch compound). */
export const COMPOUND_MIN = 7;
/**
 * A strong ending (`*kanker`) this long may stand inside a longer word too, after letters
 * of the compound's first part ("longkankeronderzoek"): an ending already says the literal
 * is a compound's part, so a shorter one is safe there.
 */
export const COMPOUND_END_MIN = 5;
/** What may follow a literal inside a compound: nothing, an inflection, or a word of its own. */
/** How a word is read: as written, with its leet letters, spelled out, or joined to the next. */
const READINGS = ['exact', 'leet', 'spelled', 'joined'] as const;
/** The bits of a hash that make a small integer in V8 (no boxed number as a Map key). */
const SMALL_INT = 0x3fffffff;
/** Words whose first-word matches are remembered at once. */
const MEMO_WORDS = 50_000;
const COMPOUND_REST = /^(?:|s|e|en|es|n|[a-z]{4,})$/;

/** The word patterns of one space-separated word of a term ("hiv-positief" is two). */
export function parseWord(raw: string): WordPattern[] {
  if (raw.startsWith('@'))
    return [{ literal: '', open: false, closedBefore: true, wordClass: raw.slice(1) }];
  const leading = raw.startsWith('*');
  const trailing = raw.endsWith('*') && raw.length > 1;
  const core = raw.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  // The words of a text are letters and digits: "hiv-positief" is two words to them.
  const parts = core.split(/[^a-z0-9]+/).filter((p) => p !== '');
  return parts.map((literal, i) => ({
    literal,
    open: trailing && i === parts.length - 1,
    closedBefore: !(leading && i === 0),
  }));
}

/**
 * Edit distance of a and b, with two neighbouring letters swapped as one edit ("autsime",
 * "epilespie": optimal string alignment), or `limit + 1` once it is known to exceed it.
 * Typos are read only in texts the screen sent to the full path for something else, so the
 * screen need not foresee them.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  let before: number[] = [];
  let previous = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      )
        v = Math.min(v, before[j - 2]! + 1);
      current.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[cols - 1]!;
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * The terms of a lexicon, indexed by their first word: whole words by value, `stem*`
 * literals by their start and `*stem` literals by their end (sorted lookups by length),
 * and every literal of five letters or more by its deletion neighbourhood for typos.
 */
export class TermIndex<T> {
  readonly entries: TermEntry<T>[] = [];
  readonly #exact = new Map<string, TermEntry<T>[]>();
  readonly #starts = new Map<string, TermEntry<T>[]>();
  readonly #ends = new Map<string, TermEntry<T>[]>();
  readonly #inner: TermEntry<T>[] = [];
  readonly #startLengths: number[];
  readonly #endLengths: number[];
  /** Literal and each of its one-letter deletions → entries, for typo matching. */
  readonly #fuzzy = new Map<string, TermEntry<T>[]>();
  /** Literals that may stand inside a compound; `after`: not at its start (an ending). */
  readonly #compound: { literal: string; entry: TermEntry<T>; after: number }[] = [];

  readonly #typosOn: boolean;
  /** Words of the language spelled right: never read as a typo of a literal. */
  readonly #knownWords: ReadonlySet<string> | undefined;
  /** First-word matches by kind, typo mode and word: text repeats its words, and reading
   * one word against every stem length and compound literal is the costly part. */
  /** Per kind of reading (with and without typos), word → matches. */
  readonly #memo = Array.from(
    { length: READINGS.length * 2 },
    () =>
      new Map<number, { text: string; found: readonly Omit<TermMatch<T>, 'first' | 'last'>[] }>(),
  );
  #memoSize = 0;

  /** `typos`: match literals one or two edits away too (category terms, not context words). */
  /**
   * `options.classes`: word classes a term may name as `@class` after its first word, each
   * a list of words in the term syntax ("marokkaans*"). `options.knownWords`: ordinary words
   * that are spelled right, so never a typo ("inhalen" is no "inhaler", "functie" no
   * "punctie"): a spelling checker corrects only what is not a word.
   */
  constructor(
    terms: readonly { term: string; payload: T; compound?: boolean }[],
    options: {
      typos: boolean;
      classes?: Readonly<Record<string, readonly string[]>>;
      knownWords?: ReadonlySet<string>;
    },
  ) {
    this.#typosOn = options.typos;
    this.#knownWords = options.knownWords;
    // A class stands for one word of the text: a name of two ("zuid-soedan") would match
    // by its halves alone ("zuid"), so only one-word members count.
    const classes = new Map<string, WordClass>();
    for (const [name, list] of Object.entries(options.classes ?? {})) {
      const patterns = list.map(parseWord).flatMap((parts) => (parts.length === 1 ? parts : []));
      const whole = (p: WordPattern) => p.closedBefore && !p.open;
      classes.set(name, {
        words: new Set(patterns.filter(whole).map((p) => p.literal)),
        others: patterns.filter((p) => !whole(p)),
      });
    }
    const startLengths = new Set<number>();
    const endLengths = new Set<number>();
    const push = (map: Map<string, TermEntry<T>[]>, key: string, entry: TermEntry<T>) => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [entry]);
      else if (!list.includes(entry)) list.push(entry);
    };
    for (const { term, payload, compound } of terms) {
      const { words, gaps } = parseTerm(term, classes);
      if (words.length === 0) continue;
      const entry: TermEntry<T> =
        gaps === undefined ? { term, words, payload } : { term, words, payload, gaps };
      this.entries.push(entry);
      const first = words[0]!;
      if (!first.closedBefore && first.open) this.#inner.push(entry);
      else if (!first.closedBefore) {
        push(this.#ends, first.literal, entry);
        endLengths.add(first.literal.length);
      } else if (first.open) {
        push(this.#starts, first.literal, entry);
        startLengths.add(first.literal.length);
      } else push(this.#exact, first.literal, entry);
      // Typos and compounds are read for one-word terms only (a phrase's words as written).
      if (words.length === 1 && first.closedBefore && first.literal.length >= FUZZY_1) {
        push(this.#fuzzy, first.literal, entry);
        for (const d of deletions(first.literal)) push(this.#fuzzy, d, entry);
      }
      if (compound === true && words.length === 1) {
        if (first.closedBefore && first.literal.length >= COMPOUND_MIN)
          this.#compound.push({ literal: first.literal, entry, after: 0 });
        else if (!first.closedBefore && !first.open && first.literal.length >= COMPOUND_END_MIN)
          this.#compound.push({ literal: first.literal, entry, after: 1 });
      }
    }
    this.#startLengths = [...startLengths].sort((a, b) => a - b);
    this.#endLengths = [...endLengths].sort((a, b) => a - b);
  }

  /**
   * Every term match among `words`, in order of their first word. `typos`: also words one
   * or two edits from a long literal. A typo is read only in a text that holds something
   * else the screen sees: a screen for every word near every long literal would send most
   * ordinary text to the full path.
   */
  find(words: readonly Word[], typos = false): TermMatch<T>[] {
    const out: TermMatch<T>[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      let found = this.#matchWord(word.text, word.spelled ? 'spelled' : 'exact', typos, word.hash);
      if (word.leet !== undefined) found = [...found, ...this.#matchWord(word.leet, 'leet', typos)];
      // Two words that are one term written apart ("suiker ziekte", "long-kanker"): read
      // where the second word is a term of its own, as the screen sees it.
      // A word of one or two letters ("en", "in", "op") is a word of its own, not half of
      // a term: "zit vast en" is no "vasten", "enkelband en" no "enkelbanden".
      const next = words[i + 1];
      if (
        next !== undefined &&
        next.text.length > 2 &&
        word.text.length > 2 &&
        next.start - word.end === 1 &&
        next.sentence === word.sentence &&
        this.#matchWord(next.text, 'exact', false, next.hash).length > 0
      ) {
        for (const f of this.#matchWord(word.text + next.text, 'joined', false)) {
          const p = f.entry.words[0]!;
          if (
            f.entry.words.length === 1 &&
            p.closedBefore &&
            !found.some((g) => g.entry === f.entry)
          )
            out.push({ entry: f.entry, match: f.match, edits: f.edits, first: i, last: i + 1 });
        }
      }
      if (word.acronym !== undefined)
        for (const entry of this.#acronymEntries(word.acronym.text))
          out.push({
            entry,
            match: 'spelled',
            edits: 0,
            first: i,
            last: i + word.acronym.words - 1,
          });
      for (const f of found) {
        const last = this.#rest(f.entry, words, i);
        if (last !== undefined)
          out.push({ entry: f.entry, match: f.match, edits: f.edits, first: i, last });
      }
    }
    return out;
  }

  /**
   * The one-word terms an acronym's letters spell, whole ("pvv") or as a stem's start
   * ("fnv*"): the screen sees those as it walks the letters (see prefilter.ts).
   */
  #acronymEntries(text: string): TermEntry<T>[] {
    const out = (this.#exact.get(text) ?? []).filter((e) => e.words.length === 1);
    for (const n of this.#startLengths) {
      if (n > text.length) break;
      for (const e of this.#starts.get(text.slice(0, n)) ?? [])
        if (e.words.length === 1) out.push(e);
    }
    return out;
  }

  /** The first-word matches of one word, with how they matched (shared: do not change). */
  #matchWord(
    text: string,
    kind: 'exact' | 'leet' | 'spelled' | 'joined',
    typos: boolean,
    hash: number = fnv(text),
  ): readonly Omit<TermMatch<T>, 'first' | 'last'>[] {
    // Kept by the word's hash (the caller has it): a number is a cheaper key than a string
    // cut from the text, whose own hash would be worked out again on every lookup. Thirty
    // bits of it, so the key is a small integer, not a boxed number (the text is compared).
    const key = hash & SMALL_INT;
    const memo = this.#memo[READINGS.indexOf(kind) * 2 + (typos ? 1 : 0)]!;
    const known = memo.get(key);
    if (known !== undefined && known.text === text) return known.found;
    const found = this.#readWord(text, kind, typos);
    // Forget all when full: a text of distinct words must not grow the memo without bound.
    if (++this.#memoSize > MEMO_WORDS) {
      for (const m of this.#memo) m.clear();
      this.#memoSize = 1;
    }
    memo.set(key, { text, found });
    return found;
  }

  #readWord(
    text: string,
    kind: 'exact' | 'leet' | 'spelled' | 'joined',
    typos: boolean,
  ): Omit<TermMatch<T>, 'first' | 'last'>[] {
    const out: Omit<TermMatch<T>, 'first' | 'last'>[] = [];
    const add = (entries: readonly TermEntry<T>[] | undefined, match: MatchKind, edits = 0) => {
      if (entries !== undefined) for (const entry of entries) out.push({ entry, match, edits });
    };
    const as = (plain: MatchKind): MatchKind => (kind === 'exact' ? plain : kind);
    add(this.#exact.get(text), as('exact'));
    for (const n of this.#startLengths) {
      if (n > text.length) break;
      add(this.#starts.get(text.slice(0, n)), as('stem'));
    }
    for (const n of this.#endLengths) {
      if (n > text.length) break;
      add(this.#ends.get(text.slice(text.length - n)), as('stem'));
    }
    for (const entry of this.#inner)
      if (text.includes(entry.words[0]!.literal)) out.push({ entry, match: as('stem'), edits: 0 });
    // A joined pair is read as written: no compound, no typo (the screen could not see those).
    if (out.length > 0 || kind === 'joined') return out;
    for (const { literal, entry, after } of this.#compound) {
      if (text.length <= literal.length) continue;
      const at = text.indexOf(literal, after);
      // A compound's part, not letters that happen to spell it ("aangenomen" is no
      // "genome"): what follows it is nothing, an inflection, or another word.
      if (at >= 0 && COMPOUND_REST.test(text.slice(at + literal.length)))
        out.push({ entry, match: as('compound'), edits: 0 });
    }
    if (out.length > 0 || text.length < FUZZY_1 || !this.#typosOn || !typos) return out;
    if (kind === 'exact' && this.#knownWords?.has(text) === true) return out;
    return this.#typos(text, kind);
  }

  /**
   * Literals one edit away (two for long ones): the word itself against whole-word
   * literals, and its starts against `stem*` literals of about their length.
   */
  #typos(text: string, kind: 'exact' | 'leet' | 'spelled' | 'joined') {
    const out: Omit<TermMatch<T>, 'first' | 'last'>[] = [];
    const seen = new Set<TermEntry<T>>();
    const tryKey = (key: string) => {
      for (const entry of this.#fuzzy.get(key) ?? []) {
        if (seen.has(entry)) continue;
        const pattern = entry.words[0]!;
        const limit = pattern.literal.length >= FUZZY_2 ? 2 : 1;
        const against = pattern.open
          ? text.slice(0, Math.min(text.length, pattern.literal.length + 1))
          : text;
        let edits = distance(against, pattern.literal, limit);
        // A stem matched with one more letter of the word: try it exactly as long too.
        if (pattern.open && edits > limit)
          edits = distance(text.slice(0, pattern.literal.length), pattern.literal, limit);
        if (edits > 0 && edits <= limit) {
          seen.add(entry);
          out.push({ entry, match: kind === 'exact' ? 'fuzzy' : kind, edits });
        }
      }
    };
    const probes = new Set<string>([text]);
    for (const n of this.#startLengths)
      if (n >= FUZZY_1 && n <= text.length) {
        probes.add(text.slice(0, n));
        if (n + 1 <= text.length) probes.add(text.slice(0, n + 1));
      }
    for (const probe of probes) {
      tryKey(probe);
      for (const d of deletions(probe)) tryKey(d);
    }
    return out;
  }

  /**
   * The last word of a phrase that starts at words[i], or undefined if the rest is not
   * there: each next word of the phrase right after the one before (or within its gap), in
   * the same sentence.
   */
  #rest(entry: TermEntry<T>, words: readonly Word[], i: number): number | undefined {
    const patterns = entry.words;
    const sentence = words[i]!.sentence;
    let at = i;
    for (let k = 1; k < patterns.length; k++) {
      const gap = entry.gaps?.[k] ?? 0;
      let next: number | undefined;
      for (let j = at + 1; j <= at + 1 + gap; j++) {
        const word = words[j];
        if (word === undefined || word.sentence !== sentence) break;
        if (
          matchesPattern(word.leet ?? word.text, patterns[k]!) ||
          matchesPattern(word.text, patterns[k]!)
        ) {
          next = j;
          break;
        }
      }
      if (next === undefined) return undefined;
      at = next;
    }
    return at;
  }
}

function matchesPattern(text: string, p: WordPattern): boolean {
  if (p.anyOf !== undefined)
    return p.anyOf.words.has(text) || p.anyOf.others.some((q) => matchesPattern(text, q));
  if (!p.closedBefore && p.open) return text.includes(p.literal);
  if (!p.closedBefore) return text.endsWith(p.literal);
  if (p.open) return text.startsWith(p.literal);
  return text === p.literal;
}
