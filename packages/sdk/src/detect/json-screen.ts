import type { Limits } from '../policy/types.js';
import {
  ACCEPT,
  BACKSLASH,
  newFoldBudget,
  NON_ASCII,
  OTHER,
  PHRASE_STEP,
  QUOTE,
  readBeyondAscii,
  TEXT_CLASS,
  UNBUILT,
  type FoldBudget,
  type Prefilter,
  type StepTables,
} from './prefilter.js';

/**
 * The screen of a whole JSON body, read from the UTF-8 bytes it was parsed from. An
 * adapter has those bytes anyway, and reading them is far cheaper than reading the parsed
 * strings one by one (a typed-array load against a string-representation dispatch per
 * character, plus the walk itself). One pass answers: could the body hold a finding? If
 * not, the walk over the parsed value is skipped. Strings go through the prefilter's
 * automaton; between strings the pass follows the JSON structure just enough to know field
 * names (whose own facts can make a finding: `"vakbond": true`), nesting depth (the walk's
 * limit) and numbers (an eight-digit integer can be a BSN). Escapes and characters beyond
 * ASCII are read as normalisation folds them. Anything it is unsure of — bytes that are
 * not UTF-8, a lone surrogate, a limit within reach — sends the body to the full walk:
 * the screen may say "maybe" wrongly, never "nothing" wrongly.
 */

/** Class of each byte: as in plain text, with `"`, `\` and bytes ≥ 0x80 as events. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS.set(TEXT_CLASS);
BYTE_CLASS[0x22] = QUOTE;
BYTE_CLASS[0x5c] = BACKSLASH;
BYTE_CLASS.fill(NON_ASCII, 0x80);

/** Not a character the screen can read: the body goes to the walk. */
const UNREADABLE = -1;

/**
 * The character at an event (an escape or a non-ASCII byte) as `codePoint × 16 + width`
 * (its width in bytes), or UNREADABLE. Escapes read as what they stand for (`\/` is a
 * separator, `\n` ends a word), a surrogate pair of escapes as its one code point, and
 * UTF-8 as the decoder reads it; anything the decoder would replace, or a lone surrogate,
 * is left to the walk.
 */
function readEvent(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead === 0x5c) {
    const escaped = bytes[at + 1];
    if (escaped === 0x75 /* u */) {
      const unit = readHex4(bytes, at + 2);
      if (unit < 0xd800 || unit > 0xdfff) return unit < 0 ? UNREADABLE : unit * 16 + 6;
      const low = bytes[at + 6] === 0x5c && bytes[at + 7] === 0x75 ? readHex4(bytes, at + 8) : -1;
      if (unit > 0xdbff || low < 0xdc00 || low > 0xdfff) return UNREADABLE;
      return (0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)) * 16 + 12;
    }
    const code = escaped === undefined ? -1 : SIMPLE_ESCAPES[escaped]!;
    return code < 0 ? UNREADABLE : code * 16 + 2;
  }
  // UTF-8: two to four bytes, the shortest form, no surrogates, as TextDecoder accepts.
  const width = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (lead < 0xc2 || lead > 0xf4 || at + width > bytes.length) return UNREADABLE;
  let point = lead & (0x7f >> width);
  for (let k = 1; k < width; k++) {
    const next = bytes[at + k]!;
    if ((next & 0xc0) !== 0x80) return UNREADABLE;
    point = (point << 6) | (next & 0x3f);
  }
  const shortest = width === 2 || point >= (width === 3 ? 0x800 : 0x10000);
  if (!shortest || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return UNREADABLE;
  return point * 16 + width;
}

/** What a two-character escape (`\n`, `\"`, `\/` …) stands for; -1 for no escape. */
const SIMPLE_ESCAPES = new Int32Array(256).fill(-1);
for (const [letter, code] of [
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
] as const)
  SIMPLE_ESCAPES[letter.charCodeAt(0)] = code;

/** Four hex digits at `at` as a number, or -1. */
function readHex4(bytes: Uint8Array, at: number): number {
  let code = 0;
  for (let k = at; k < at + 4; k++) {
    const digit = hexValue(bytes[k]);
    if (digit < 0) return -1;
    code = code * 16 + digit;
  }
  return code;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The screen's view of field names, as UTF-8 bytes: field names repeat with the
 * platform's schema, so one already read costs a compare, not a reading.
 */
export interface FieldNameCheck {
  /** A body begins: its names are expected in the order the last body had them. */
  begin(): void;
  /**
   * Where the field name whose first byte is at `start` ends (its closing quote) if it is
   * a name read before (its text passed the screen and it decides nothing); else -1.
   */
  known(bytes: Uint8Array, start: number): number;
  /**
   * Whether the name `bytes[start, end)` could decide a finding itself. Called once its
   * text has passed the screen; a name that does not matter is known from then on.
   */
  matters(bytes: Uint8Array, start: number, end: number): boolean;
}

/** Whether each open container is an object (1) or an array (0), by depth. */
let objectAt = new Uint8Array(64);

/**
 * Whether `bytes` (UTF-8 JSON text) certainly holds nothing the full detection path could
 * find, within `limits`. False means "walk the parsed value", not "found something".
 */
export function screenJson(
  bytes: Uint8Array,
  prefilter: Prefilter,
  fieldNames: FieldNameCheck,
  limits: Limits,
): boolean {
  const n = bytes.length;
  // Past the size limit only the walk can say where inspection stopped.
  if (n > limits.maxBodyBytes) return false;
  if (objectAt.length <= limits.maxDepth) objectAt = new Uint8Array(limits.maxDepth + 1);
  budget = undefined;
  fieldNames.begin();
  let depth = 0;
  // Values, as the walk counts its nodes: every string, number, literal and container.
  let values = 0;
  // A field name comes next (after `{`, or `,` in an object); one was just read (a `:` is due).
  let nameDue = false;
  let nameRead = false;
  // Digits of neighbouring values that hold a few each (a number split over fields, or an
  // array of digits): the walk reads such values together; eight or more is a maybe.
  let partDigits = 0;
  let i = 0;
  while (i < n) {
    const byte = bytes[i]!;
    if (byte === 0x22) {
      if (nameDue) {
        // A field name: known ones are found by their bytes and not read again. One with
        // an escape is left to the walk (the bytes are not the name).
        const start = i + 1;
        let end = fieldNames.known(bytes, start);
        if (end < 0) {
          end = screenString(bytes, i, prefilter);
          if (end < 0 || stringEscaped || fieldNames.matters(bytes, start, end)) return false;
        }
        nameDue = false;
        nameRead = true;
        i = end + 1;
        continue;
      }
      const j = screenString(bytes, i, prefilter);
      if (j < 0) return false;
      // (The walk takes values of up to 40 characters: up to four bytes each here.)
      const digits = j - i > 162 ? 0 : stringDigits;
      partDigits = digits > 0 && digits <= 6 ? partDigits + digits : 0;
      if (partDigits >= 8) return false;
      values++;
      i = j + 1;
    } else if (byte === 0x3a /* : */) {
      if (!nameRead) return false; // not JSON as the parser reads it: walk
      nameRead = false;
      i++;
    } else if (byte === 0x2c /* , */) {
      nameDue = objectAt[depth] === 1;
      i++;
    } else if (byte === 0x7b || byte === 0x5b /* { [ */) {
      if (++depth >= limits.maxDepth) return false;
      objectAt[depth] = byte === 0x7b ? 1 : 0;
      nameDue = byte === 0x7b;
      values++;
      i++;
    } else if (byte === 0x7d || byte === 0x5d /* } ] */) {
      if (--depth < 0) return false;
      nameDue = false;
      i++;
    } else if ((byte >= 0x30 && byte <= 0x39) || byte === 0x2d /* - */) {
      // A number: a BSN can be one (eight digits, padded with a zero, is enough), and an
      // exponent can hide how many digits it has.
      let digits = 0;
      for (; i < n; i++) {
        const b = bytes[i]!;
        if (b >= 0x30 && b <= 0x39) digits++;
        else if (b === 0x65 || b === 0x45) return false;
        else if (b !== 0x2e && b !== 0x2d && b !== 0x2b) break;
      }
      if (digits >= 8) return false;
      partDigits = digits <= 6 ? partDigits + digits : 0;
      if (partDigits >= 8) return false;
      values++;
    } else if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
      i++;
    } else if (byte === 0x74 || byte === 0x66 /* true false */) {
      for (i++; i < n && bytes[i]! >= 0x61 && bytes[i]! <= 0x7a; i++);
      partDigits = 0;
      values++;
    } else if (byte === 0x6e /* null */) {
      for (i++; i < n && bytes[i]! >= 0x61 && bytes[i]! <= 0x7a; i++);
      values++;
    } else {
      return false; // not JSON as the parser reads it (a byte-order mark, say): walk
    }
  }
  return depth === 0 && values <= limits.maxNodes;
}

/** First-time folds left for the body being screened; made at its first such character. */
let budget: FoldBudget | undefined;
/** The digits of the string screenString last read, as the walk reads them. */
let stringDigits = 0;
/** Whether that string held an escape. */
let stringEscaped = false;

/**
 * Screens the JSON string whose opening quote is at `open`: the index of its closing
 * quote, or -1 when it may hold a finding (or is not a string the screen can read).
 */
function screenString(bytes: Uint8Array, open: number, prefilter: Prefilter): number {
  const n = bytes.length;
  // Read afresh at each string: a build may grow the arrays.
  const steps = prefilter.steps;
  const hits = prefilter.hits; // phrase literals of the string being read
  if (hits.used) hits.clear();
  keptCount = 0;
  keptKeyed = 0;
  let state = 0;
  let j = open + 1;
  let digits = 0; // as the walk reads them: an escape counts as what it stands for
  let escaped = false;
  // The automaton's step is the only work for almost every byte: all else is an event.
  for (;;) {
    j = run(bytes, j, n, state, steps);
    state = runState;
    digits += runDigits;
    if (j >= n) return -1;
    const cls = BYTE_CLASS[bytes[j]!]!;
    let next = steps.table[state + cls]!;
    if (next === UNBUILT) next = prefilter.build(state, cls);
    if (next <= PHRASE_STEP) next = prefilter.passPhrase(next, hits);
    if (next >= 0) {
      digits += IS_DIGIT[bytes[j]!]!;
      state = next;
      j++;
      continue;
    }
    if (next === ACCEPT) return -1;
    if (cls === QUOTE) break;
    if (cls === BACKSLASH) escaped = true;
    const read = readEvent(bytes, j);
    if (read === UNREADABLE) return -1;
    j += read & 15;
    const point = read >> 4;
    if (point >= 0x30 && point <= 0x39) digits++;
    state =
      point < 0x80
        ? prefilter.next(state, TEXT_CLASS[point]!, hits)
        : readBeyondAscii(prefilter, state, point, (budget ??= newFoldBudget()), hits);
    if (state < 0) return -1;
  }
  // The closing quote ends the string's last word; its phrases are settled.
  if (prefilter.next(state, OTHER, hits) === ACCEPT) return -1;
  if ((keptKeyed !== 0 || hits.keyed) && prefilter.settle(kept, keptCount, hits)) return -1;
  stringDigits = digits;
  stringEscaped = escaped;
  return j;
}

/** The state `run` stopped in and the digits it passed (more results, free of allocation). */
let runState = 0;
let runDigits = 0;

/**
 * Phrase steps `run` passed in the string being read, kept to be settled at its end
 * (Prefilter.settle): leaving the loop for each cost as much as the automaton itself, for
 * function words such as "de" are literals of phrases.
 */
const KEPT_MAX = 64;
const kept = new Int32Array(KEPT_MAX);
let keptCount = 0;
/** Non-zero if a kept step passed a key literal: else no phrase can be complete. */
let keptKeyed = 0;

/**
 * Steps the automaton from `state` over `bytes` from `at` while each step is a plain
 * transition or passes phrase literals: the loop that almost every byte of a body takes,
 * kept small for the compiler. Returns where it stopped (an event, or `n`); the state is
 * left in runState.
 */
function run(bytes: Uint8Array, at: number, n: number, state: number, steps: StepTables): number {
  // No build happens inside: the arrays stay as they are for the whole run.
  const { table, phraseTo, stepKeyed } = steps;
  let j = at;
  let s = state;
  // Counting digits here costs next to nothing: the count does not wait on the table load
  // each step waits on (a second pass over the string afterwards cost as much as the
  // automaton itself).
  let digits = 0;
  let count = keptCount;
  let keyed = keptKeyed;
  while (j < n) {
    const byte = bytes[j]!;
    let next = table[s + BYTE_CLASS[byte]!]!;
    if (next < 0) {
      if (next > PHRASE_STEP || count === KEPT_MAX) break;
      kept[count++] = next;
      keyed |= stepKeyed[PHRASE_STEP - next]!;
      next = phraseTo[PHRASE_STEP - next]!;
    }
    digits += IS_DIGIT[byte]!;
    s = next;
    j++;
  }
  runState = s;
  runDigits = digits;
  keptCount = count;
  keptKeyed = keyed;
  return j;
}

const IS_DIGIT = new Uint8Array(256).fill(1, 0x30, 0x3a);

// As JSON.parse reads a field name: a leading U+FEFF is part of it, not a byte-order mark.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Slots of the table of known names (a power of two), names kept, bytes of names kept. */
const SLOTS = 1 << 14;
const NAMES_KEPT = 1 << 12;
const NAME_BYTES = 1 << 16;
/** Slots tried before a name is judged afresh: a flood of look-alike names stays cheap. */
const PROBES = 8;

/**
 * Field names known clean, kept by their bytes in typed arrays. A body's names mostly come
 * in the order the last body had them (a schema, rows of one kind), so each name is first
 * compared with the one that followed the previous name last time: a compare of its bytes
 * and nothing else. Otherwise it is found by a hash of its length and a few of its bytes,
 * and a probe. When the table is full it starts again: names are a schema's few.
 */
export class FieldNameVerdicts implements FieldNameCheck {
  readonly #judge: (name: string) => boolean;
  /** Per slot, the kept name's index + 1; 0 for an empty slot. */
  readonly #slots = new Int32Array(SLOTS);
  readonly #bytes = new Uint8Array(NAME_BYTES);
  readonly #at = new Int32Array(NAMES_KEPT);
  readonly #length = new Int32Array(NAMES_KEPT);
  /** Per kept name, the index + 1 of the name that followed it last; 0 for none yet. */
  readonly #following = new Int32Array(NAMES_KEPT);
  /** The index + 1 of the first name of the last body. */
  #first = 0;
  /** The last name read in this body, or -1. */
  #previous = -1;
  #names = 0;
  #bytesUsed = 0;

  /** `judge` says whether a field name could decide a finding itself. */
  constructor(judge: (name: string) => boolean) {
    this.#judge = judge;
  }

  begin(): void {
    this.#previous = -1;
  }

  known(bytes: Uint8Array, start: number): number {
    const previous = this.#previous;
    const expected = (previous < 0 ? this.#first : this.#following[previous]!) - 1;
    if (expected >= 0) {
      const length = this.#length[expected]!;
      const end = start + length;
      if (bytes[end] === 0x22 && this.#same(expected, bytes, start)) {
        this.#previous = expected;
        return end;
      }
    }
    // Not the name expected: its end, then the table. (A kept name holds no escape, so a
    // name with one is not found, and is read as any new name.)
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x22) end++;
    let slot = slotOf(bytes, start, end);
    for (let probe = 0; probe < PROBES; probe++) {
      const name = this.#slots[slot]! - 1;
      if (name < 0) break;
      if (this.#length[name] === end - start && this.#same(name, bytes, start)) {
        this.#follow(name);
        return end;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    return -1;
  }

  matters(bytes: Uint8Array, start: number, end: number): boolean {
    const matters = this.#judge(utf8.decode(bytes.subarray(start, end)));
    if (!matters) this.#keep(bytes, start, end);
    return matters;
  }

  /** Whether kept name `name` is the bytes at `start` (as long as it is). */
  #same(name: number, bytes: Uint8Array, start: number): boolean {
    const at = this.#at[name]!;
    const length = this.#length[name]!;
    const kept = this.#bytes;
    let k = 0;
    while (k < length && kept[at + k] === bytes[start + k]) k++;
    return k === length;
  }

  /** Notes that `name` came after the previous name, and is now the previous one. */
  #follow(name: number): void {
    if (this.#previous < 0) this.#first = name + 1;
    else this.#following[this.#previous] = name + 1;
    this.#previous = name;
  }

  #keep(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length > NAME_BYTES / 16) {
      this.#previous = -1; // a name this long is not a schema's: not kept, nor followed
      return;
    }
    if (this.#names === NAMES_KEPT || this.#bytesUsed + length > NAME_BYTES) {
      this.#slots.fill(0);
      this.#following.fill(0);
      this.#first = 0;
      this.#previous = -1;
      this.#names = 0;
      this.#bytesUsed = 0;
    }
    let slot = slotOf(bytes, start, end);
    for (let probe = 0; this.#slots[slot] !== 0; probe++) {
      if (probe === PROBES) {
        this.#previous = -1;
        return;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    const name = this.#names++;
    this.#bytes.set(bytes.subarray(start, end), this.#bytesUsed);
    this.#at[name] = this.#bytesUsed;
    this.#length[name] = length;
    this.#following[name] = 0;
    this.#bytesUsed += length;
    this.#slots[slot] = name + 1;
    this.#follow(name);
  }
}

/** A name's first slot: from its length and its first, middle and last bytes. */
function slotOf(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return 0;
  const head = bytes[start]! | (bytes[start + 1 < end ? start + 1 : start]! << 8);
  const tail = bytes[end - 1]! | (bytes[end - 2 >= start ? end - 2 : start]! << 8);
  const middle = bytes[start + (length >> 1)]!;
  const hash =
    Math.imul(length, 0x9e3779b1) ^
    Math.imul(head, 0x85ebca6b) ^
    Math.imul(tail | (middle << 16), 0xc2b2ae35);
  return (hash ^ (hash >>> 15)) & (SLOTS - 1);
}
