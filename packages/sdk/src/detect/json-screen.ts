import type { Limits } from '../policy/types.js';
import { foldCodePoint } from './normalise.js';
import {
  ACCEPT,
  BACKSLASH,
  NON_ASCII,
  OTHER,
  QUOTE,
  SEPARATOR,
  TEXT_CLASS,
  type Prefilter,
} from './prefilter.js';

/**
 * The screen of a whole JSON body, read from the UTF-8 bytes it was parsed from. An
 * adapter has those bytes anyway, and reading them is far cheaper than reading the parsed
 * strings one by one (a typed-array load against a string-representation dispatch per
 * character, plus the walk itself). One pass answers: could the body hold a finding? If
 * not, the walk over the parsed value is skipped. Strings go through the prefilter's
 * automaton; between strings the pass follows the JSON structure just enough to know field
 * names (whose own facts can make a finding: `"vakbond": true`), nesting depth (the walk's
 * limit) and numbers (an eight-digit integer can be a BSN). Anything it is unsure of — an
 * escape it cannot read, a character outside Latin-1, a limit within reach — sends the
 * body to the full walk: the screen may say "maybe" wrongly, never "nothing" wrongly.
 */

/** Class of each byte: as in plain text, with `"`, `\` and bytes ≥ 0x80 as events. */
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS.set(TEXT_CLASS);
BYTE_CLASS[0x22] = QUOTE;
BYTE_CLASS[0x5c] = BACKSLASH;
BYTE_CLASS.fill(NON_ASCII, 0x80);

// A character behind an escape or a UTF-8 sequence that normalisation removes (a soft
// hyphen), or that the screen cannot read as one class (it folds to several characters
// or to none of the automaton's).
const IGNORED = 0xfe;
const UNREADABLE = 0xff;

/** U+0080–U+00FF as normalisation folds them: "é" reads as "e", U+00A0 as a space. */
const LATIN1_CLASS = new Uint8Array(128).map((_, i) => {
  const folded = foldCodePoint(String.fromCharCode(0x80 + i));
  if (folded === '') return IGNORED;
  const code = folded.charCodeAt(0);
  return folded.length === 1 && code < 0x80 ? TEXT_CLASS[code]! : UNREADABLE;
});

function classOfCode(code: number): number {
  if (code < 0x80) return TEXT_CLASS[code]!;
  return code < 0x100 ? LATIN1_CLASS[code - 0x80]! : UNREADABLE;
}

/**
 * The character at an event (an escape or a non-ASCII byte) as `class + width × 256`, or
 * UNREADABLE. Escapes read as what they stand for: `\/` is a separator, `\n` ends a word.
 */
function readEvent(bytes: Uint8Array, at: number): number {
  const lead = bytes[at]!;
  if (lead === 0x5c) {
    const escaped = bytes[at + 1];
    if (escaped === 0x75 /* u */) {
      let code = 0;
      for (let k = at + 2; k < at + 6; k++) {
        const digit = hexValue(bytes[k]);
        if (digit < 0) return UNREADABLE;
        code = code * 16 + digit;
      }
      const cls = classOfCode(code);
      return cls === UNREADABLE ? UNREADABLE : cls + 6 * 256;
    }
    if (escaped === 0x2f /* / */) return SEPARATOR + 2 * 256;
    return escaped === undefined ? UNREADABLE : OTHER + 2 * 256;
  }
  // Two-byte UTF-8 for U+0080–U+00FF; longer sequences are for the full path.
  const next = bytes[at + 1] ?? 0;
  if ((lead === 0xc2 || lead === 0xc3) && (next & 0xc0) === 0x80) {
    const cls = classOfCode(((lead & 0x1f) << 6) | (next & 0x3f));
    return cls === UNREADABLE ? UNREADABLE : cls + 2 * 256;
  }
  return UNREADABLE;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Whether a field name, as UTF-8 bytes `bytes[start, end)`, could decide a finding itself. */
export interface FieldNameCheck {
  matters(bytes: Uint8Array, start: number, end: number): boolean;
}

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
  const table = prefilter.table;
  let depth = 0;
  // Values, as the walk counts its nodes: every string, number, literal and container,
  // less the strings that turn out to be field names (one per ':').
  let values = 0;
  let lastStart = 0; // the last string, in case a ':' makes it a field name
  let lastEnd = -1;
  let lastEscaped = false;
  let i = 0;
  while (i < n) {
    const byte = bytes[i]!;
    if (byte === 0x22) {
      let state = 0;
      let j = i + 1;
      let escaped = false;
      for (;;) {
        if (j >= n) return false;
        const cls = BYTE_CLASS[bytes[j]!]!;
        const next = table[state + cls]!;
        if (next >= 0) {
          state = next;
          j++;
          continue;
        }
        if (next === ACCEPT) return false;
        if (cls === QUOTE) break;
        if (cls === BACKSLASH) escaped = true;
        const read = readEvent(bytes, j);
        if (read === UNREADABLE) return false;
        j += read >> 8;
        const readClass = read & 0xff;
        if (readClass === IGNORED) continue;
        state = table[state + readClass]!;
        if (state < 0) return false;
      }
      // The closing quote ends the string's last word.
      if (table[state + OTHER] === ACCEPT) return false;
      lastStart = i + 1;
      lastEnd = j;
      lastEscaped = escaped;
      values++;
      i = j + 1;
    } else if (byte === 0x3a /* : */) {
      if (lastEscaped || fieldNames.matters(bytes, lastStart, lastEnd)) return false;
      values--;
      i++;
    } else if (byte === 0x7b || byte === 0x5b /* { [ */) {
      if (++depth >= limits.maxDepth) return false;
      values++;
      i++;
    } else if (byte === 0x7d || byte === 0x5d /* } ] */) {
      depth--;
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
      values++;
    } else if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x2c) {
      i++;
    } else if (byte === 0x74 || byte === 0x66 || byte === 0x6e /* true false null */) {
      for (i++; i < n && bytes[i]! >= 0x61 && bytes[i]! <= 0x7a; i++);
      values++;
    } else {
      return false; // not JSON as the parser reads it (a byte-order mark, say): walk
    }
  }
  return depth === 0 && values <= limits.maxNodes;
}

const utf8 = new TextDecoder();
const FIELD_NAME_CACHE_LIMIT = 10_000;

/**
 * Verdicts on field names kept by their bytes: the names repeat with the platform's
 * schema, so after the first body a name costs a hash and a compare, not a string.
 */
export class FieldNameVerdicts implements FieldNameCheck {
  readonly #judge: (name: string) => boolean;
  readonly #verdicts = new Map<number, { bytes: Uint8Array; matters: boolean }>();

  /** `judge` says whether a field name could decide a finding itself. */
  constructor(judge: (name: string) => boolean) {
    this.#judge = judge;
  }

  matters(bytes: Uint8Array, start: number, end: number): boolean {
    let hash = 0x811c9dc5; // FNV-1a
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    const known = this.#verdicts.get(hash);
    if (known !== undefined && sameBytes(known.bytes, bytes, start, end)) return known.matters;
    const matters = this.#judge(utf8.decode(bytes.subarray(start, end)));
    if (this.#verdicts.size >= FIELD_NAME_CACHE_LIMIT) this.#verdicts.clear();
    this.#verdicts.set(hash, { bytes: bytes.slice(start, end), matters });
    return matters;
  }
}

function sameBytes(known: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let k = 0; k < known.length; k++) if (known[k] !== bytes[start + k]) return false;
  return true;
}
