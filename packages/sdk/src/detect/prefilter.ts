/**
 * The fast path of detection. Almost every string a platform writes holds nothing the
 * agreement forbids, so before any normalisation, word list or model, one tight loop over
 * the raw characters answers a single question: could this text hold a finding? The answer
 * may be a false "yes", never a false "no": the full path makes the decision, and property
 * tests hold this screen to it. It says "maybe" for:
 *
 * - a word that is, starts, ends or holds a lexicon term's literal as the full path reads
 *   words: case and diacritics folded, digits and symbols inside a word read as the letters
 *   they stand for ("z1ek", "k@nker"), a strong term inside a compound;
 * - every telling word of a phrase, in one text ("served" and "time" for "served time"):
 *   such words are phrase literals, noted as the text passes them; only the last of a
 *   phrase's words makes the answer "maybe";
 * - the second half of a term written as two words ("suiker ziekte");
 * - four or more single letters in a row (a word spelled out: "e p i l e p s i e"), and two
 *   or three that spell a literal (an acronym: "F.N.V.", "P V V");
 * - nine digits in a run, however separated (up to three characters between groups: tabs,
 *   line breaks, dashes of every kind), counting letters that stand for digits
 *   ("12O456789") and number words ("negen zeven …") as the full path does.
 *
 * A misspelt term ("epilepcie", "autsime") is not screened for: the full path reads typos
 * only in a text the screen sent it for something else. Screening every word near every
 * long literal (by the pigeonhole rule, the halves of each as literals) would send most
 * ordinary text to the full path.
 *
 * All of that is one deterministic automaton over character classes, built once: a state
 * is where the current word stands in the trie of literal starts, its Aho–Corasick state for
 * literals ending or standing inside a word, and the counters for digits, spelled letters
 * and number words. One table load per character then decides. The same table drives the
 * screen of plain text (here) and of raw JSON bytes (json-screen.ts).
 */

import { foldCodePoint } from './normalise.js';

/** Character classes the automaton reads. */
export const OTHER = 0; // any other character: a separator
// 1..26: the letters a–z (A–Z folded)
/** Digits that stand for a letter inside a word: 0 o, 1 i, 3 e, 4 a, 5 s, 7 t. */
const D0 = 27;
const D1 = 28;
const D3 = 29;
const D4 = 30;
const D5 = 31;
const D7 = 32;
/** The other digits (2 6 8 9): digits only. */
const DX = 33;
/** '@' and '$': 'a' and 's' inside a word, separators elsewhere. */
const AT = 34;
const DOLLAR = 35;
export const SPACE = 36;
/** '-', '.', '_': separators that also join a word spelled out letter by letter. */
const JOINT = 37;
/** '|': a separator of words, and a 1 among digits. */
const PIPE = 38;
/** Events for a driver to handle itself (JSON bytes): `"`, `\` and any byte ≥ 0x80. */
export const QUOTE = 39;
export const BACKSLASH = 40;
export const NON_ASCII = 41;
const CLASSES = 42;

/**
 * Table entries below zero are not states: the text may hold a finding (ACCEPT), or the
 * driver must handle the character itself (EVENT).
 */
export const ACCEPT = -1;
export const EVENT = -2;
/** A transition not worked out yet: the automaton is built as texts need it (see step). */
export const UNBUILT = -3;
/**
 * Entries at or below PHRASE_STEP are transitions that pass phrase literals: the driver
 * notes them (Prefilter.passPhrase) and goes on from the state the step names. A driver
 * may also keep them (`phraseTo` says where each goes) and settle them at the end of its
 * text (Prefilter.settle): a phrase needs all its literals somewhere in the text, in any
 * order, so the answer is the same.
 */
export const PHRASE_STEP = -16;

/** Class of each ASCII code in plain text: letters case-folded, digits, separators. */
export const TEXT_CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) TEXT_CLASS[c] = c - 96;
for (let c = 65; c <= 90; c++) TEXT_CLASS[c] = c - 64;
for (const [ch, cls] of [
  ['0', D0],
  ['1', D1],
  ['3', D3],
  ['4', D4],
  ['5', D5],
  ['7', D7],
  ['2', DX],
  ['6', DX],
  ['8', DX],
  ['9', DX],
  ['@', AT],
  ['$', DOLLAR],
  [' ', SPACE],
  ['-', JOINT],
  ['.', JOINT],
  ['_', JOINT],
  ['|', PIPE],
] as const)
  TEXT_CLASS[ch.charCodeAt(0)] = cls;

const isLetterClass = (cls: number) => cls >= 1 && cls <= 26;
const isDigitClass = (cls: number) => cls >= D0 && cls <= DX;
/** The letter class a leet digit or symbol reads as inside a word (0 for none). */
const LEET_LETTER = new Uint8Array(CLASSES);
for (const [cls, letter] of [
  [D0, 'o'],
  [D1, 'i'],
  [D3, 'e'],
  [D4, 'a'],
  [D5, 's'],
  [D7, 't'],
  [AT, 'a'],
  [DOLLAR, 's'],
] as const)
  LEET_LETTER[cls] = letter.charCodeAt(0) - 96;
/** Letters that stand for digits in a number (o l i s b), as the full path reads them. */
const LOOKALIKE = new Set(['o', 'l', 'i', 's', 'b'].map((c) => c.charCodeAt(0) - 96));

/** A literal's class sequence as the automaton reads a word: leet digits as their letters. */
function literalClasses(literal: string): number[] {
  return Array.from(literal, (ch) => {
    const cls = TEXT_CLASS[ch.charCodeAt(0)]!;
    return LEET_LETTER[cls] !== 0 && isDigitClass(cls) ? LEET_LETTER[cls]! : cls;
  });
}

/** How a screened literal must sit in a word. */
export type Placement = 'word' | 'start' | 'end' | 'inside';

/** A literal to screen for: the screen says "maybe" wherever it could match. */
export interface ScreenLiteral {
  literal: string;
  placement: Placement;
  /** A word in almost every text ("de", "the"): never the one a phrase is looked up by. */
  common?: boolean;
}

/**
 * What the screen looks for: literals any one of which makes a "maybe", and phrases, each
 * the literals that must all be in one text.
 */
export interface ScreenTargets {
  literals: Iterable<ScreenLiteral>;
  phrases?: Iterable<readonly ScreenLiteral[]>;
  /**
   * Words in many texts though not in almost every one ("actief", "kapot"): a phrase is
   * looked up by another of its literals where it has one ("sp" of "actief bij sp").
   */
  everyday?: ReadonlySet<string>;
}

/** A trie node: children by class, and what is accepted on reaching it. */
interface TrieNode {
  next: Map<number, number>;
  /** The word may end here (a whole-word literal; an `end` literal for the Aho–Corasick trie). */
  atEnd: boolean;
  /** Accepted as soon as it is reached (a `start` literal; an `inside` one for Aho–Corasick). */
  anywhere: boolean;
  /** Phrase literals passed on the same terms: ids, noted rather than accepted. */
  phraseAtEnd: number[];
  phraseAnywhere: number[];
  fail: number;
}

const node = (): TrieNode => ({
  next: new Map(),
  atEnd: false,
  anywhere: false,
  phraseAtEnd: [],
  phraseAnywhere: [],
  fail: 0,
});

function insert(
  trie: TrieNode[],
  classes: readonly number[],
  flag: 'atEnd' | 'anywhere',
  phraseId?: number,
): void {
  let state = 0;
  for (const cls of classes) {
    let to = trie[state]!.next.get(cls);
    if (to === undefined) {
      to = trie.push(node()) - 1;
      trie[state]!.next.set(cls, to);
    }
    state = to;
  }
  const end = trie[state]!;
  if (phraseId === undefined) end[flag] = true;
  else {
    const ids = flag === 'atEnd' ? end.phraseAtEnd : end.phraseAnywhere;
    if (!ids.includes(phraseId)) ids.push(phraseId);
  }
}

/** Ids in `a` or `b`, once each (a new array only if `b` adds some). */
function union(a: readonly number[], b: readonly number[]): number[] {
  const extra = b.filter((id) => !a.includes(id));
  return extra.length === 0 ? (a as number[]) : [...a, ...extra];
}

/**
 * The phrase literals one text has passed so far. A driver makes one, and clears it (only
 * if used) before each text: most texts pass none, so this costs nothing on the fast path.
 * Noting a literal only stamps it; whether a phrase is complete is asked once, at the end
 * of the text, and only of the phrases whose key literal (its rarest) was stamped: the
 * literals of phrases include words as common as "de", and checking every phrase of every
 * such word as it passed cost more than the automaton itself.
 */
export class PhraseHits {
  // A literal is seen in this text if its stamp is the text's: clearing is a new stamp.
  #stamps: Uint32Array;
  #stamp = 1;
  #used = false;
  /** Key literals stamped in this text: `#keys[0, #keyCount)`. */
  #keys = new Int32Array(16);
  #keyCount = 0;
  readonly #phrases: PhraseBook;

  constructor(phrases: PhraseBook) {
    this.#phrases = phrases;
    this.#stamps = new Uint32Array(Math.max(1, phrases.isKey.length));
  }

  get used(): boolean {
    return this.#used;
  }

  /** Whether a key literal was stamped in this text. */
  get keyed(): boolean {
    return this.#keyCount > 0;
  }

  clear(): void {
    this.#used = false;
    this.#keyCount = 0;
    if (++this.#stamp === 0xffffffff) {
      this.#stamps.fill(0);
      this.#stamp = 1;
    }
  }

  /** Notes the literal ids `ids[from, to)`. */
  note(ids: Int32Array, from: number, to: number): void {
    this.#used = true;
    const stamps = this.#stamps;
    const stamp = this.#stamp;
    const isKey = this.#phrases.isKey;
    for (let a = from; a < to; a++) {
      const id = ids[a]!;
      if (stamps[id] === stamp) continue;
      stamps[id] = stamp;
      if (isKey[id] === 0) continue;
      if (this.#keyCount === this.#keys.length) {
        const grown = new Int32Array(this.#keys.length * 2);
        grown.set(this.#keys);
        this.#keys = grown;
      }
      this.#keys[this.#keyCount++] = id;
    }
  }

  /** Whether some phrase has all its literals in the text (see `note`). */
  complete(): boolean {
    const stamps = this.#stamps;
    const stamp = this.#stamp;
    const { keyedAt, others } = this.#phrases;
    for (let a = 0; a < this.#keyCount; a++) {
      const key = this.#keys[a]!;
      // Each phrase keyed by `key`: its length, then its other literals.
      for (let p = keyedAt[key]!; p < keyedAt[key + 1]!; p += others[p]! + 1) {
        const last = p + others[p]!;
        let k = p + 1;
        while (k <= last && stamps[others[k]!] === stamp) k++;
        if (k > last) return true;
      }
    }
    return false;
  }
}

/**
 * The phrases as flat arrays, by literal id: whether a literal is the key of some phrase,
 * and for each key the phrases it keys, each as its length and then its other literals
 * (`others[keyedAt[id], keyedAt[id + 1])`). Typed arrays, for they are read at the end of
 * every string that passed a key literal.
 */
interface PhraseBook {
  isKey: Uint8Array;
  keyedAt: Int32Array;
  others: Int32Array;
}

function phraseBook(keyedBy: readonly (readonly number[][])[]): PhraseBook {
  const isKey = new Uint8Array(keyedBy.length);
  const keyedAt = new Int32Array(keyedBy.length + 1);
  const flat: number[] = [];
  keyedBy.forEach((phrases, id) => {
    keyedAt[id] = flat.length;
    isKey[id] = phrases.length > 0 ? 1 : 0;
    for (const phrase of phrases) flat.push(phrase.length, ...phrase);
  });
  keyedAt[keyedBy.length] = flat.length;
  return { isKey, keyedAt, others: Int32Array.from(flat) };
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
      child.phraseAtEnd = union(child.phraseAtEnd, trie[child.fail]!.phraseAtEnd);
      child.phraseAnywhere = union(child.phraseAnywhere, trie[child.fail]!.phraseAnywhere);
      queue.push(to);
    }
  }
}

/** Number words of Dutch, English and Polish, as digits.ts reads them. */
export const NUMBER_WORDS = [
  'nul',
  'zero',
  'oh',
  'een',
  'one',
  'jeden',
  'twee',
  'two',
  'dwa',
  'drie',
  'three',
  'trzy',
  'vier',
  'four',
  'cztery',
  'vijf',
  'five',
  'piec',
  'zes',
  'six',
  'szesc',
  'zeven',
  'seven',
  'siedem',
  'acht',
  'eight',
  'osiem',
  'negen',
  'nine',
  'dziewiec',
];

// Counters of the numeric part: nine digits accept; at most three separators between
// groups keep a run (more end it); up to three letters that stand for digits are held
// until the word shows whether it is a number.
const RUN_ACCEPT = 9;
const MAX_SEPARATORS = 3;
const MAX_PENDING = 3;
/** Four single letters in a row spell a word. */
const SPELLED_ACCEPT = 4;

// Where a word stands in the trie of literal starts, besides a trie node.
const AT_BOUNDARY = -2; // no word yet: the next word character starts one
const OFF_TRIE = -1; // the word has left the trie: no literal starts it

/**
 * One automaton state: the word tries, the number counters (digits in the run, separators
 * since its last digit, look-alike letters held, whether the word has digits, where it
 * stands among number words) and the spelled-word counters (single letters so far, and
 * whether the last word was one letter followed by one joint).
 */
interface State {
  start: number;
  end: number;
  run: number;
  seps: number;
  pending: number;
  numeric: boolean;
  numberWord: number;
  letters: number;
  spelled: number;
  joint: boolean;
  /**
   * Where the letters of a run of single letters stand in the trie of literal starts, read
   * as one word (an acronym: "F.N.V."), or -1.
   */
  acronym: number;
}

const NO_STEPS = new Int32Array(0);

/**
 * The automaton's transitions as typed arrays a driver's loop reads. One object for the
 * automaton's life: when an array grows, its field is replaced, so a driver that keeps the
 * object reads the grown array (a loop that copies an array to a local reads it again
 * after a build).
 */
export interface StepTables {
  /**
   * `table[state + class]`: the next state as its offset in the table (state number ×
   * classes), or ACCEPT, or EVENT, or UNBUILT for a transition no text has needed yet. State
   * 0 is "between words". Offsets rather than numbers save a multiplication in the one
   * dependency every character waits on. The table grows as states are met: a text meets a
   * few dozen, and the lexicons make tens of thousands possible, so building them all up
   * front would cost seconds and megabytes for states no platform ever writes.
   */
  table: Int32Array;
  /** `phraseTo[PHRASE_STEP - step]`: the state (an offset) a phrase step goes on to. */
  phraseTo: Int32Array;
  /** `stepKeyed[PHRASE_STEP - step]`: 1 if a phrase step passes a key literal (see PhraseHits). */
  stepKeyed: Uint8Array;
}

export class Prefilter {
  readonly steps: StepTables;
  readonly #automaton: Automaton;
  /** The phrase literals of the text being screened, for drivers (one text at a time). */
  readonly hits: PhraseHits;

  constructor(targets: ScreenTargets) {
    const starts = [node()]; // `word` and `start` literals, walked from each word start
    const ends = [node()]; // `end` and `inside` literals, matched anywhere in a word
    const place = ({ literal, placement }: ScreenLiteral, phraseId?: number) => {
      const classes = literalClasses(literal);
      if (classes.length === 0) return false;
      if (placement === 'word') insert(starts, classes, 'atEnd', phraseId);
      else if (placement === 'start') insert(starts, classes, 'anywhere', phraseId);
      else insert(ends, classes, placement === 'end' ? 'atEnd' : 'anywhere', phraseId);
      return true;
    };
    for (const literal of targets.literals) place(literal);
    const ids = new Map<string, number>();
    // How often a literal is in text: 2 a function word, 1 an everyday word, 0 anything else.
    const commonAt: number[] = [];
    const lengthOf: number[] = [];
    const phraseCount: number[] = []; // how many phrases each literal is one of
    // Per phrase literal id, the phrases (as literal ids) it is the key literal of.
    const keyedBy: number[][][] = [];
    const phrases = [...(targets.phrases ?? [])].map((phrase) => {
      const phraseIds: number[] = [];
      for (const literal of phrase) {
        const name = `${literal.placement}:${literal.literal}`;
        let id = ids.get(name);
        if (id === undefined) {
          id = ids.size;
          ids.set(name, id);
          keyedBy[id] = [];
          lengthOf[id] = literal.literal.length;
          commonAt[id] =
            literal.common === true ? 2 : targets.everyday?.has(literal.literal) ? 1 : 0;
          phraseCount[id] = 0;
          place(literal, id);
        }
        if (phraseIds.includes(id)) continue;
        phraseCount[id]!++;
        phraseIds.push(id);
      }
      return phraseIds;
    });
    // A phrase's key is the literal least often in text: the end of a string with a key
    // literal asks whether its phrases are complete, and with "de" as a key almost every
    // string would. Not a function word, nor an everyday one ("actief" is in 36 phrases, with
    // each party's name), then the longest, then one of the fewest phrases.
    const rarer = (a: number, b: number) =>
      commonAt[a] !== commonAt[b]
        ? commonAt[a]! < commonAt[b]!
        : lengthOf[a] !== lengthOf[b]
          ? lengthOf[a]! > lengthOf[b]!
          : phraseCount[a]! < phraseCount[b]!;
    // Kept without the key (stamped whenever the phrase is asked about), rarest literal
    // first: a phrase that is not complete is told by its first literal, almost always.
    for (const phraseIds of phrases) {
      const key = phraseIds.reduce((best: number, id: number) => (rarer(id, best) ? id : best));
      const others = phraseIds.filter((id) => id !== key).sort((a, b) => (rarer(a, b) ? -1 : 1));
      keyedBy[key]!.push(others);
    }
    linkFailures(ends);
    const numberWords = [node()];
    for (const w of NUMBER_WORDS) insert(numberWords, literalClasses(w), 'atEnd');
    this.#automaton = new Automaton(starts, ends, numberWords, (id) => keyedBy[id]!.length > 0);
    this.steps = this.#automaton.steps;
    this.hits = new PhraseHits(phraseBook(keyedBy));
  }

  /**
   * A transition at or below PHRASE_STEP: notes the phrase literals it passes in `hits`,
   * and gives the state it goes on to. Whether a phrase is complete is asked at the end of
   * the text (`settle`).
   */
  passPhrase(step: number, hits: PhraseHits): number {
    const k = PHRASE_STEP - step;
    const { idsAt, ids } = this.#automaton;
    hits.note(ids, idsAt[k]!, idsAt[k + 1]!);
    return this.steps.phraseTo[k]!;
  }

  /**
   * At the end of a text: notes the phrase steps a driver kept (`steps[0, count)`), and
   * says whether a phrase has all its literals in the text. No phrase is complete without
   * its key literal, so a driver that knows none was passed (`stepKeyed`, `hits.keyed`)
   * need not call this: most strings pass common words only.
   */
  settle(steps: Int32Array, count: number, hits: PhraseHits): boolean {
    const { idsAt, ids } = this.#automaton;
    for (let s = 0; s < count; s++) {
      const k = PHRASE_STEP - steps[s]!;
      hits.note(ids, idsAt[k]!, idsAt[k + 1]!);
    }
    return hits.complete();
  }

  /** How many states have been built so far (for tests and the bench). */
  get states(): number {
    return this.#automaton.size;
  }

  /**
   * The transition from `state` (an offset) on `cls`, building it first when no text has
   * needed it yet. Drivers call this when they read UNBUILT, then read `steps.table`
   * again: it may have grown.
   */
  build(state: number, cls: number): number {
    return this.#automaton.build(state, cls);
  }

  /** Whether `text` needs the full detection path; false means it certainly holds nothing. */
  mayHold(text: string): boolean {
    const steps = this.steps;
    let table = steps.table;
    let state = 0;
    let budget: FoldBudget | undefined;
    const hits = this.hits;
    if (hits.used) hits.clear();
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 128) {
        const cls = TEXT_CLASS[code]!;
        let next = table[state + cls]!;
        if (next < 0) {
          if (next === UNBUILT) {
            next = this.build(state, cls);
            table = steps.table;
          }
          if (next <= PHRASE_STEP) next = this.passPhrase(next, hits);
          if (next < 0) return true;
        }
        state = next;
        continue;
      }
      const point = text.codePointAt(i)!;
      if (point > 0xffff) i++;
      state = readBeyondAscii(this, state, point, (budget ??= newFoldBudget()), hits);
      table = steps.table;
      if (state < 0) return true;
    }
    // The end of the text ends its last word.
    return this.next(state, OTHER, hits) === ACCEPT || this.settle(NO_STEPS, 0, hits);
  }

  /** One step, building the transition if needed and noting phrase literals in `hits`. */
  next(state: number, cls: number, hits: PhraseHits): number {
    let to = this.steps.table[state + cls]!;
    if (to === UNBUILT) to = this.build(state, cls);
    return to <= PHRASE_STEP ? this.passPhrase(to, hits) : to;
  }
}

// The classes of characters beyond ASCII, as normalisation folds them (see
// foldedClasses). The characters people type (accented and Central European letters,
// typographic punctuation, odd spaces and invisible characters) are kept for good;
// others are kept until there are too many, then forgotten all at once, so that a
// platform writing in many scripts keeps its own and no body can fill the cache for good.
const TYPED_RANGES: readonly [number, number][] = [
  [0x80, 0x24f],
  [0x370, 0x3ff],
  [0x400, 0x45f],
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
  prefilter: Prefilter,
  state: number,
  codePoint: number,
  budget: FoldBudget,
  hits: PhraseHits,
): number {
  let classes = foldedClasses(codePoint);
  if (classes === undefined) {
    if (--budget.left < 0) return ACCEPT;
    classes = foldNew(codePoint);
  }
  for (let k = 0; k < classes.length && state >= 0; k++)
    state = prefilter.next(state, classes[k]!, hits);
  return state;
}

/**
 * The classes a character beyond ASCII reads as, if it was folded before: the class of
 * each character normalisation folds it to (none for a format character or a combining
 * mark, two for "ﬁ"). A folded character still beyond ASCII ("’", "€") reads as
 * OTHER, a separator, as it is to the full path. Normalisation folds one code point at a
 * time, so this is exactly what it does. Undefined for a character not folded yet.
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
 * The automaton, built state by state as texts need them: a state is a tuple (see State)
 * numbered when first reached; its row of transitions starts UNBUILT and each transition
 * is worked out once, the first time a text takes it. The answers are exactly those of the
 * automaton built whole; only the work is spread out, and most of it never done.
 */
class Automaton {
  readonly steps: StepTables = {
    table: new Int32Array(256 * CLASSES).fill(UNBUILT),
    phraseTo: new Int32Array(256),
    stepKeyed: new Uint8Array(256),
  };
  /**
   * The literal ids each transition that passes phrase literals passes, flat: step k's are
   * `ids[idsAt[k], idsAt[k + 1])`.
   */
  ids = new Int32Array(1024);
  idsAt = new Int32Array(257);
  #phraseStepCount = 0;
  readonly #isKey: (id: number) => boolean;
  readonly #phraseStepIds = new Map<string, number>();
  readonly #states: State[] = [];
  readonly #ids = new Map<string, number>();
  readonly #starts: TrieNode[];
  readonly #ends: TrieNode[];
  readonly #numberWords: TrieNode[];

  constructor(
    starts: TrieNode[],
    ends: TrieNode[],
    numberWords: TrieNode[],
    isKey: (id: number) => boolean,
  ) {
    this.#isKey = isKey;
    this.#starts = starts;
    this.#ends = ends;
    this.#numberWords = numberWords;
    this.#idOf(BETWEEN_COUNTERS);
  }

  get size(): number {
    return this.#states.length;
  }

  /** Works out the transition from the state at `offset` on `cls`, and records it. */
  build(offset: number, cls: number): number {
    const passed: number[] = [];
    const to = this.#step(this.#states[offset / CLASSES]!, cls, passed);
    let entry = to < 0 ? to : to * CLASSES;
    if (entry >= 0 && passed.length > 0) entry = this.#phraseStep(entry, passed);
    this.steps.table[offset + cls] = entry;
    return entry;
  }

  /** The table entry for a step to `to` that passes phrase literals `ids`. */
  #phraseStep(to: number, ids: number[]): number {
    const key = `${to}:${ids.join(',')}`;
    let k = this.#phraseStepIds.get(key);
    if (k === undefined) {
      k = this.#phraseStepCount++;
      this.#phraseStepIds.set(key, k);
      this.#keepIds(k, ids);
      const steps = this.steps;
      if (k >= steps.phraseTo.length) {
        const grown = new Int32Array(steps.phraseTo.length * 2);
        grown.set(steps.phraseTo);
        steps.phraseTo = grown;
        const keyed = new Uint8Array(grown.length);
        keyed.set(steps.stepKeyed);
        steps.stepKeyed = keyed;
      }
      steps.phraseTo[k] = to;
      steps.stepKeyed[k] = ids.some(this.#isKey) ? 1 : 0;
    }
    return PHRASE_STEP - k;
  }

  /** Records step `k`'s literal ids (steps are numbered in order, so they append). */
  #keepIds(k: number, stepIds: readonly number[]): void {
    const from = this.idsAt[k]!;
    if (k + 2 > this.idsAt.length) {
      const grown = new Int32Array(this.idsAt.length * 2);
      grown.set(this.idsAt);
      this.idsAt = grown;
    }
    if (from + stepIds.length > this.ids.length) {
      const grown = new Int32Array(Math.max(this.ids.length * 2, from + stepIds.length));
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids.set(stepIds, from);
    this.idsAt[k + 1] = from + stepIds.length;
  }

  #idOf(s: State): number {
    const key = `${s.start},${s.end},${s.run},${s.seps},${s.pending},${s.numeric ? 1 : 0},${s.numberWord},${s.letters},${s.spelled},${s.joint ? 1 : 0},${s.acronym}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#states.push(s) - 1;
      this.#ids.set(key, id);
      const steps = this.steps;
      if ((id + 1) * CLASSES > steps.table.length) {
        const grown = new Int32Array(steps.table.length * 2).fill(UNBUILT);
        grown.set(steps.table);
        steps.table = grown;
      }
    }
    return id;
  }

  #endStep(from: number, cls: number): number {
    const ends = this.#ends;
    let state = from;
    while (state !== 0 && !ends[state]!.next.has(cls)) state = ends[state]!.fail;
    return ends[state]!.next.get(cls) ?? 0;
  }

  /** Where a word ends: a whole-word or `end` literal ending here is a match. */
  #wordEndsAccepted(s: State): boolean {
    return (
      (s.start >= 0 && this.#starts[s.start]!.atEnd) || (s.end !== 0 && this.#ends[s.end]!.atEnd)
    );
  }

  /** Where a word ends: the phrase literals ending here, added to `passed`. */
  #wordEndsPassed(s: State, passed: number[]): void {
    if (s.start >= 0) passed.push(...this.#starts[s.start]!.phraseAtEnd);
    if (s.end !== 0) passed.push(...this.#ends[s.end]!.phraseAtEnd);
  }

  /** The next state after `cls`, or ACCEPT or EVENT; phrase literals passed go in `passed`. */
  #step(s: State, cls: number, passed: number[]): number {
    if (cls === QUOTE || cls === BACKSLASH || cls === NON_ASCII) return EVENT;
    const inWord = s.start !== AT_BOUNDARY;
    const letter = isLetterClass(cls) ? cls : inWord || isDigitClass(cls) ? LEET_LETTER[cls]! : 0;
    const digit = isDigitClass(cls) || cls === PIPE;
    const wordChar =
      isLetterClass(cls) || isDigitClass(cls) || (inWord && (cls === AT || cls === DOLLAR));
    if (!wordChar) return this.#separator(s, cls, passed);
    // A symbol inside a word may also be where the full path's word ends ("hiv$").
    if (cls === AT || cls === DOLLAR) {
      if (this.#wordEndsAccepted(s)) return ACCEPT;
      this.#wordEndsPassed(s, passed);
    }
    // The word tries: a letter, or a digit or symbol read as the letter it stands for.
    const wordClass = letter !== 0 ? letter : cls;
    const nextStart =
      s.start === OFF_TRIE
        ? OFF_TRIE
        : (this.#starts[inWord ? s.start : 0]!.next.get(wordClass) ?? OFF_TRIE);
    const nextEnd = this.#endStep(s.end, wordClass);
    if ((nextStart >= 0 && this.#starts[nextStart]!.anywhere) || this.#ends[nextEnd]!.anywhere)
      return ACCEPT;
    if (nextStart >= 0) passed.push(...this.#starts[nextStart]!.phraseAnywhere);
    passed.push(...this.#ends[nextEnd]!.phraseAnywhere);
    // The numbers: digits count; letters that stand for digits count inside a number and
    // are held at its start; other letters end a run unless the word may be a number word.
    let { run, pending, numeric } = s;
    let numberWord =
      s.numberWord >= 0 ? (this.#numberWords[s.numberWord]!.next.get(wordClass) ?? -1) : -1;
    if (digit) {
      run = Math.min(RUN_ACCEPT, run + pending + 1);
      pending = 0;
      numeric = true;
      numberWord = -1;
    } else if (LOOKALIKE.has(cls) && numeric) {
      run = Math.min(RUN_ACCEPT, run + 1);
    } else if (LOOKALIKE.has(cls) && (s.letters === pending || !inWord)) {
      pending = Math.min(MAX_PENDING, pending + 1);
    } else {
      pending = 0;
      if (numeric || numberWord < 0) run = 0;
      numeric = false;
    }
    if (run >= RUN_ACCEPT) return ACCEPT;
    // An acronym: a letter starting a word goes on from the run's trie node after a single
    // letter and a joint (from the root otherwise); a second character in the word ends it.
    let acronym = -1;
    if (!inWord && isLetterClass(cls)) {
      const from = s.joint ? s.acronym : 0;
      acronym = from >= 0 ? (this.#starts[from]!.next.get(cls) ?? -1) : -1;
      // A stem spelled out from its second letter on ("f.n.v" for "fnv*").
      if (acronym >= 0 && s.joint && this.#starts[acronym]!.anywhere) return ACCEPT;
    }
    return this.#idOf({
      start: nextStart,
      end: nextEnd,
      run,
      seps: 0,
      pending,
      numeric,
      numberWord,
      letters: Math.min(2, s.letters + 1),
      // A single letter after a joint continues a spelled word; a longer word ends it.
      spelled: inWord ? 0 : s.joint ? s.spelled : 0,
      joint: false,
      acronym,
    });
  }

  #separator(s: State, cls: number, passed: number[]): number {
    if (s.start !== AT_BOUNDARY) {
      // A word ends here.
      if (this.#wordEndsAccepted(s)) return ACCEPT;
      this.#wordEndsPassed(s, passed);
      let run = s.run;
      if (!s.numeric)
        run = s.numberWord >= 0 && this.#numberWords[s.numberWord]!.atEnd ? run + 1 : 0;
      if (run >= RUN_ACCEPT) return ACCEPT;
      const single = s.letters === 1 && !s.numeric;
      // The word's own count: carried from before its first letter (see #step).
      const spelled = single ? s.spelled + 1 : 0;
      if (spelled >= SPELLED_ACCEPT) return ACCEPT;
      // Two or three single letters that spell a whole-word literal ("p v v").
      if (single && spelled >= 2 && s.acronym >= 0 && this.#starts[s.acronym]!.atEnd) return ACCEPT;
      const joint = single && (cls === SPACE || cls === JOINT);
      return this.#idOf({
        ...BETWEEN_COUNTERS,
        run,
        seps: 1,
        spelled,
        joint,
        acronym: joint ? s.acronym : -1,
      });
    }
    // Between words: separators keep a number's run for a few characters, and a spelled
    // word only across exactly one joint.
    const seps = s.seps + 1;
    return this.#idOf({
      ...BETWEEN_COUNTERS,
      run: seps > MAX_SEPARATORS ? 0 : s.run,
      seps: Math.min(seps, MAX_SEPARATORS + 1),
      spelled: 0,
      joint: false,
    });
  }
}

/** The counters between words, before a word's own. */
const BETWEEN_COUNTERS: State = {
  start: AT_BOUNDARY,
  end: 0,
  run: 0,
  seps: 0,
  pending: 0,
  numeric: false,
  numberWord: 0,
  letters: 0,
  spelled: 0,
  joint: false,
  acronym: -1,
};
