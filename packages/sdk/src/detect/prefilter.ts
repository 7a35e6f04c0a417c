/**
 * The fast path of detection. Almost every string a platform writes holds nothing the
 * agreement forbids, so before any normalisation, regular expression or scoring, one tight
 * loop over the raw characters answers a single question: could this text hold a
 * finding? It can when it has a run of nine digits (a BSN or onderwijsnummer needs them),
 * or a word that starts, ends or is a lexicon term, read as normalisation will make it:
 * a character beyond ASCII is read as what it folds to ("ｂｓｎ" as "bsn"). The answer may
 * be a false "yes", never a false "no": the full path makes the decision.
 *
 * All of that is one deterministic automaton over character classes, built once: a state
 * is where the current word stands in the trie of term starts, how much of a `*stem` it
 * may be ending in (Aho–Corasick), and how many digits the current number has. One table
 * load per character then decides, which is what lets the screen keep up with JSON.parse.
 * The same table drives the screen of plain text (here) and of raw JSON bytes
 * (json-screen.ts); the drivers differ only in how they read characters.
 */

import { foldCodePoint } from './normalise.js';

/** Character classes the automaton reads. */
export const OTHER = 0; // any other character: ends a word and a number
// 1..26: the letters a–z (A–Z folded)
/**
 * Every digit is one class: a run of them is what counts, and the few terms with digits
 * in them ("d66", "50plus") are screened as "a letter and two digits" and so on, a "maybe"
 * the full path settles.
 */
const DIGIT = 27;
/** ' ', '.', '-', '/': end a word, and may join digit groups ("123.456.789"). */
export const SEPARATOR = 28;
/** Events for a driver to handle itself (JSON bytes): `"`, `\` and any byte ≥ 0x80. */
export const QUOTE = 29;
export const BACKSLASH = 30;
export const NON_ASCII = 31;
const CLASSES = 32;

/**
 * Table entries below zero are not states: the text may hold a finding (ACCEPT), or the
 * driver must handle the character itself (EVENT).
 */
export const ACCEPT = -1;
export const EVENT = -2;

// A BSN or onderwijsnummer has nine digits (eight-digit BSNs count only next to a
// keyword, which the trie screens for): a run of nine digits, or digit groups joined by
// one separator each, is the only number worth a closer look. Dates and times are not.
const MIN_RUN = 9;

/** Class of each ASCII code in plain text: letters case-folded, digits, separators. */
export const TEXT_CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) TEXT_CLASS[c] = c - 96;
for (let c = 65; c <= 90; c++) TEXT_CLASS[c] = c - 64;
for (let c = 48; c <= 57; c++) TEXT_CLASS[c] = DIGIT;
for (const ch of ' .-/') TEXT_CLASS[ch.charCodeAt(0)] = SEPARATOR;

/** Words too common to screen a phrase by; a phrase is screened by another of its words. */
const FUNCTION_WORDS = new Set(
  'de het een van in op te naar voor met uit bij aan om en of the a an of to on for with at and'.split(
    ' ',
  ),
);

/** How a screened literal must sit in a word. */
type Placement = 'word' | 'start' | 'end' | 'inside';

/**
 * The literal that stands for a term in the screen. A phrase occurs only where its words
 * do: the most telling word stands for it, the longest that is not a function word, the
 * later on a tie ("naar de kerk" is screened by "kerk", "lid van de sp" by "lid"). The
 * screen sees words of letters and digits only, so for "hiv-positief" or "jehovah's" the
 * longest such part stands for the word; the stars keep to the outer parts.
 */
function screenLiteral(term: string): { literal: string; placement: Placement } | undefined {
  const weight = (w: string) => (FUNCTION_WORDS.has(w) ? 0 : w.replaceAll('*', '').length);
  const word = term.split(' ').reduce((a, b) => (weight(b) >= weight(a) ? b : a));
  const leading = word.startsWith('*');
  const trailing = word.endsWith('*') && word.length > 1;
  const parts = word.slice(leading ? 1 : 0, trailing ? -1 : undefined).split(/[^a-z0-9]+/);
  let at = 0;
  parts.forEach((part, i) => {
    if (part.length > parts[at]!.length) at = i;
  });
  const literal = parts[at]!;
  if (literal === '') return undefined;
  const ends = leading && at === 0;
  const starts = trailing && at === parts.length - 1;
  return {
    literal,
    placement: ends && starts ? 'inside' : ends ? 'end' : starts ? 'start' : 'word',
  };
}

/** A trie node: children by class, and what is accepted on reaching it. */
interface TrieNode {
  next: Map<number, number>;
  /** The word may end here (whole-word term; a `*stem` for the Aho–Corasick trie). */
  atEnd: boolean;
  /** Accepted as soon as it is reached (`stem*`; `*stem*` for the Aho–Corasick trie). */
  anywhere: boolean;
  fail: number;
}

const node = (): TrieNode => ({ next: new Map(), atEnd: false, anywhere: false, fail: 0 });

function insert(trie: TrieNode[], literal: string, flag: 'atEnd' | 'anywhere'): void {
  let state = 0;
  for (const ch of literal) {
    const cls = TEXT_CLASS[ch.charCodeAt(0)]!;
    let to = trie[state]!.next.get(cls);
    if (to === undefined) {
      to = trie.push(node()) - 1;
      trie[state]!.next.set(cls, to);
    }
    state = to;
  }
  trie[state]![flag] = true;
}

/** Aho–Corasick failure links, with acceptance inherited along them. */
function linkFailures(trie: TrieNode[]): void {
  const queue = [...trie[0]!.next.values()];
  for (let at = 0; at < queue.length; at++) {
    const from = trie[queue[at]!]!;
    for (const [cls, to] of from.next) {
      let fail = from.fail;
      while (fail !== 0 && !trie[fail]!.next.has(cls)) fail = trie[fail]!.fail;
      const target = trie[fail]!.next.get(cls);
      const child = trie[to]!;
      child.fail = target !== undefined && target !== to ? target : 0;
      child.atEnd ||= trie[child.fail]!.atEnd;
      child.anywhere ||= trie[child.fail]!.anywhere;
      queue.push(to);
    }
  }
}

// Where a word stands in the trie of term starts, besides a trie node.
const AT_BOUNDARY = -2; // no word yet: the next word character starts one
const OFF_TRIE = -1; // the word has left the trie: no term starts it

export class Prefilter {
  /**
   * `table[state + class]`: the next state as its offset in the table (state number × 32),
   * or ACCEPT, or EVENT. State 0 is "between words". Offsets rather than numbers save a
   * multiplication in the one dependency every character waits on.
   */
  readonly table: Int32Array;

  /** `terms` in the lexicon syntax (see terms.ts), already checked by compileTerms. */
  constructor(terms: Iterable<string>) {
    const starts = [node()]; // `word` and `stem*` terms, walked from each word start
    const ends = [node()]; // `*stem` and `*stem*` terms, matched anywhere in a word
    for (const term of terms) {
      const screened = screenLiteral(term);
      if (screened === undefined) continue;
      const { literal, placement } = screened;
      if (placement === 'word') insert(starts, literal, 'atEnd');
      else if (placement === 'start') insert(starts, literal, 'anywhere');
      else insert(ends, literal, placement === 'end' ? 'atEnd' : 'anywhere');
    }
    linkFailures(ends);
    this.table = buildTable(starts, ends);
  }

  /** Whether `text` needs the full detection path; false means it certainly holds nothing. */
  mayHold(text: string): boolean {
    const table = this.table;
    let state = 0;
    let budget: FoldBudget | undefined;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128) {
        state = table[state + TEXT_CLASS[code]!]!;
        if (state < 0) return true;
        continue;
      }
      const point = text.codePointAt(i)!;
      if (point > 0xffff) i++;
      state = readBeyondAscii(table, state, point, (budget ??= newFoldBudget()));
      if (state < 0) return true;
    }
    // The end of the text ends its last word.
    return table[state + OTHER] === ACCEPT;
  }
}

// The classes of characters beyond ASCII, as normalisation folds them (see
// foldedClasses). The characters people type (accented and Central European letters,
// typographic punctuation, odd spaces and invisible characters) are kept for good;
// others are kept until there are too many, then forgotten all at once, so that a
// platform writing in many scripts keeps its own and no body can fill the cache for good.
const TYPED_RANGES: readonly [number, number][] = [
  [0x80, 0x24f],
  [0x2000, 0x206f],
];
const typedFolds = new Map<number, Uint8Array>();
const seenFolds = new Map<number, Uint8Array>();
const SEEN_FOLDS_LIMIT = 4096;
/**
 * How many characters one text may fold that were not folded before. Past it the text
 * goes to the full path, which folds every character anyway: a body of thousands of
 * distinct characters is not folded twice over.
 */
const NEW_FOLDS_PER_TEXT = 64;

/** First-time folds one text (or one JSON body) has left; made at its first such character. */
export interface FoldBudget {
  left: number;
}
export const newFoldBudget = (): FoldBudget => ({ left: NEW_FOLDS_PER_TEXT });

/**
 * Both screens' step for a character beyond ASCII: the state after reading it as
 * normalisation folds it (see foldedClasses), or ACCEPT when the text may hold a finding,
 * which is also the answer once `budget` is spent.
 */
export function readBeyondAscii(
  table: Int32Array,
  state: number,
  codePoint: number,
  budget: FoldBudget,
): number {
  let classes = foldedClasses(codePoint);
  if (classes === undefined) {
    if (--budget.left < 0) return ACCEPT;
    classes = foldNew(codePoint);
  }
  for (let k = 0; k < classes.length && state >= 0; k++) state = table[state + classes[k]!]!;
  return state;
}

/**
 * The classes a character beyond ASCII reads as, if it was folded before: the class of
 * each character normalisation folds it to (none for a format character or a combining
 * mark, two for "ﬁ"). A folded character still beyond ASCII ("ß", "’", "ł") reads as
 * OTHER, as it is to the full path: its words and numbers are ASCII only, so such a
 * character ends them. Normalisation folds one code point at a time, so this is exactly
 * what it does. Undefined for a character not folded yet: see {@link foldNew}.
 */
function foldedClasses(codePoint: number): Uint8Array | undefined {
  if (typedFolds.size === 0)
    for (const [from, to] of TYPED_RANGES)
      for (let cp = from; cp <= to; cp++) typedFolds.set(cp, classesOfFold(cp));
  return typedFolds.get(codePoint) ?? seenFolds.get(codePoint);
}

/** Folds a character not folded before, and keeps its classes. */
function foldNew(codePoint: number): Uint8Array {
  const classes = classesOfFold(codePoint);
  if (seenFolds.size >= SEEN_FOLDS_LIMIT) seenFolds.clear();
  seenFolds.set(codePoint, classes);
  return classes;
}

function classesOfFold(codePoint: number): Uint8Array {
  const folded = foldCodePoint(String.fromCodePoint(codePoint));
  const classes = new Uint8Array(folded.length);
  for (let k = 0; k < folded.length; k++) {
    const code = folded.charCodeAt(k);
    classes[k] = code < 128 ? TEXT_CLASS[code]! : OTHER;
  }
  return classes;
}

/**
 * The automaton, by breadth-first search over the states reachable from "between words":
 * a state is (place in the start trie, Aho–Corasick state, digits in the current number,
 * whether the last character was a digit). Few combinations are reachable (~4,500 for the
 * shipped lexicons), since a place in the start trie fixes the rest.
 */
function buildTable(starts: TrieNode[], ends: TrieNode[]): Int32Array {
  const ids = new Map<string, number>();
  const states: [number, number, number, boolean][] = [];
  const idOf = (start: number, end: number, run: number, afterDigit: boolean): number => {
    const key = `${start},${end},${run},${afterDigit ? 1 : 0}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = states.push([start, end, run, afterDigit]) - 1;
      ids.set(key, id);
    }
    return id;
  };
  const endStep = (from: number, cls: number): number => {
    let state = from;
    while (state !== 0 && !ends[state]!.next.has(cls)) state = ends[state]!.fail;
    return ends[state]!.next.get(cls) ?? 0;
  };
  idOf(AT_BOUNDARY, 0, 0, false);
  const rows: number[][] = [];
  for (let id = 0; id < states.length; id++) {
    const [start, end, run, afterDigit] = states[id]!;
    const row: number[] = [];
    for (let cls = 0; cls < CLASSES; cls++) {
      if (cls === QUOTE || cls === BACKSLASH || cls === NON_ASCII) {
        row.push(EVENT);
      } else if (cls === OTHER || cls === SEPARATOR) {
        // A word ends: a whole-word term or a `*stem` ending here is a match.
        const wordEnds = (start >= 0 && starts[start]!.atEnd) || (end !== 0 && ends[end]!.atEnd);
        const keepsRun = cls === SEPARATOR && afterDigit;
        row.push(wordEnds ? ACCEPT : idOf(AT_BOUNDARY, 0, keepsRun ? run : 0, false));
      } else {
        const from = start === AT_BOUNDARY ? 0 : start;
        const nextStart = start === OFF_TRIE ? OFF_TRIE : (starts[from]!.next.get(cls) ?? OFF_TRIE);
        const nextEnd = endStep(end, cls);
        const digit = cls === DIGIT;
        const nextRun = digit ? run + 1 : 0;
        const accepted =
          (nextStart >= 0 && starts[nextStart]!.anywhere) ||
          ends[nextEnd]!.anywhere ||
          nextRun >= MIN_RUN;
        row.push(accepted ? ACCEPT : idOf(nextStart, nextEnd, nextRun, digit));
      }
    }
    rows.push(row);
  }
  const table = new Int32Array(rows.length * CLASSES);
  rows.forEach((row, id) =>
    row.forEach((to, cls) => (table[id * CLASSES + cls] = to < 0 ? to : to * CLASSES)),
  );
  return table;
}
