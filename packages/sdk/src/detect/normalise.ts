/**
 * Normalisation before matching, so that look-alike text matches the same way:
 * NFKC (full-width digits and letters), format characters removed (zero-width space,
 * soft hyphen, word joiner), every Unicode decimal digit folded to ASCII, diacritics and
 * other combining marks removed (lexicons are written without them), and lower case.
 *
 * The result keeps a map back to offsets in the original, built only when asked for,
 * because detection itself never reports offsets (a finding never holds the text).
 */
export interface NormalisedText {
  /** The text to match against. */
  readonly text: string;
  /** Whether normalisation changed anything but letter case. */
  readonly changed: boolean;
  /** Offset in the original string of each UTF-16 unit of `text` (plus one past the end). */
  offsets(): Uint32Array;
}

// Non-ASCII, or an ASCII control/format character we treat specially. Pure-ASCII text
// (most of what a Dutch platform writes) takes the fast path: lower case only.
const NEEDS_FULL = /[\u0080-\uffff]/;
const FORMAT = /^\p{Cf}$/u;
const DECIMAL = /^\p{Nd}$/u;
const MARK = /\p{M}/gu;

export function normalise(original: string): NormalisedText {
  if (!NEEDS_FULL.test(original)) {
    const text = original.toLowerCase();
    return { text, changed: false, offsets: () => identityOffsets(text.length) };
  }
  return fullNormalise(original);
}

function identityOffsets(length: number): Uint32Array {
  const map = new Uint32Array(length + 1);
  for (let i = 0; i <= length; i++) map[i] = i;
  return map;
}

function fullNormalise(original: string): NormalisedText {
  const pieces: string[] = [];
  const starts: number[] = [];
  for (let i = 0; i < original.length;) {
    const cp = original.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(cp);
    pieces.push(foldCodePoint(char));
    starts.push(i);
    i += char.length;
  }
  const text = pieces.join('');
  let cache: Uint32Array | undefined;
  return {
    text,
    changed: true,
    offsets() {
      if (cache !== undefined) return cache;
      cache = new Uint32Array(text.length + 1);
      let at = 0;
      pieces.forEach((piece, k) => {
        for (let j = 0; j < piece.length; j++) cache![at++] = starts[k] ?? 0;
      });
      cache[at] = original.length;
      return cache;
    },
  };
}

const foldCache = new Map<string, string>();

/** One code point to its matching form; cached, since text repeats a small alphabet. */
export function foldCodePoint(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : char;
  const cached = foldCache.get(char);
  if (cached !== undefined) return cached;
  let folded: string;
  if (FORMAT.test(char)) folded = '';
  else if (char === '\u00a0' || char === '\u202f' || char === '\u2007') folded = ' ';
  else {
    // NFKC first (full-width and mathematical digits become ASCII), then script digits.
    folded = Array.from(char.normalize('NFKC'), (c) =>
      DECIMAL.test(c) && c.charCodeAt(0) >= 0x80 ? String(decimalValue(c.codePointAt(0) ?? 0)) : c,
    ).join('');
    // Diacritics go, whether composed ("ï") or decomposed ("i" then U+0308): a combining
    // mark on its own folds to nothing, so decomposed text (as macOS and PDFs give it) and
    // marks piled on to hide a word ("d̶i̶a̶b̶e̶t̶e̶s̶") read as the plain word.
    folded = folded.normalize('NFKD').replace(MARK, '').toLowerCase();
  }
  if (foldCache.size < 4096) foldCache.set(char, folded);
  return folded;
}

/**
 * The value of a Unicode decimal digit: digits come in contiguous runs starting at zero
 * (several runs may touch), so its distance from the start of its run, modulo ten.
 */
function decimalValue(cp: number): number {
  let start = cp;
  while (cp - start < 100 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}
