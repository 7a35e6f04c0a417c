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

// Spaces of every width (no-break, thin, ideographic …) are spaces; a replacement
// character or a lone surrogate (what a broken copy leaves between digit groups) too.
const SPACES = /^[\p{Zs}\u2028\u2029]$/u;
const LONE_SURROGATE = /^[\ud800-\udfff]$/;
// Hyphens and dashes of every kind (en, em, figure, non-breaking, minus) are a hyphen.
const DASHES = /^[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]$/;
/**
 * Cyrillic and Greek letters that pass for Latin ones, lower case: a fact about how the
 * letters look, written out here (after Unicode's confusables data, not copied from it).
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ь: 'b',
  г: 'r',
  α: 'a',
  β: 'b',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  μ: 'u',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ς: 's',
  γ: 'y',
  ζ: 'z',
};
const CONFUSABLE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');
/**
 * Greek capitals that pass for other Latin letters than their lower case does ("Η" looks
 * like H, "η" like n): read by how they look as written, before the case is folded.
 */
const CONFUSABLE_CAPITALS: Readonly<Record<string, string>> = {
  Η: 'h',
  Ν: 'n',
  Μ: 'm',
  Υ: 'y',
};
/**
 * Pictures people type for a word the agreement cares about ("ik ben 🤰", "vrijdag naar de
 * 🕌"): read as that word, with spaces around it. Only pictures that say one thing; the
 * judgment that follows weighs the word in its sentence as it would if typed.
 */
const PICTURE_WORDS: Readonly<Record<string, string>> = {
  '\u{1f308}': 'regenboog', // rainbow (the rainbow flag is a white flag and a rainbow)
  '\u{1f54c}': 'moskee',
  '\u{26ea}': 'kerk',
  '\u{1f54d}': 'synagoge',
  '\u{262a}': 'islam', // star and crescent
  '\u{2721}': 'joods', // star of David
  '\u{1f930}': 'zwanger',
  '\u{1fac3}': 'zwanger',
  '\u{1fac4}': 'zwanger',
  '\u{267f}': 'rolstoel',
  '\u{1f9bd}': 'rolstoel',
  '\u{1f9bc}': 'rolstoel',
  '\u{1f9ec}': 'dna',
};

/**
 * Latin letters that carry their mark in the letter itself, so NFKD leaves them whole: read
 * as the plain letters a Dutch keyboard types for them ("ł" in a Polish "szpitał", the dotless
 * "ı" of a Turkish "hastalık", the "ß" of a German "Großvater").
 */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ł: 'l',
  ı: 'i',
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ħ: 'h',
  þ: 'th',
  ŧ: 't',
};
const LETTER_FOLD = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');

const foldCache = new Map<string, string>();

/** One code point to its matching form; cached, since text repeats a small alphabet. */
export function foldCodePoint(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x80) return code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : char;
  const cached = foldCache.get(char);
  if (cached !== undefined) return cached;
  let folded: string;
  const word = PICTURE_WORDS[char];
  if (word !== undefined) folded = ` ${word} `;
  else if (CONFUSABLE_CAPITALS[char] !== undefined) folded = CONFUSABLE_CAPITALS[char];
  else if (FORMAT.test(char)) folded = '';
  else if (SPACES.test(char) || char === '\ufffd' || LONE_SURROGATE.test(char)) folded = ' ';
  else if (DASHES.test(char)) folded = '-';
  else {
    // NFKC first (full-width and mathematical digits become ASCII), then script digits.
    folded = Array.from(char.normalize('NFKC'), (c) =>
      DECIMAL.test(c) && c.charCodeAt(0) >= 0x80 ? String(decimalValue(c.codePointAt(0) ?? 0)) : c,
    ).join('');
    // Diacritics go, whether composed ("ï") or decomposed ("i" then U+0308): a combining
    // mark on its own folds to nothing, so decomposed text (as macOS and PDFs give it) and
    // marks piled on to hide a word ("d̶i̶a̶b̶e̶t̶e̶s̶") read as the plain word.
    folded = folded.normalize('NFKD').replace(MARK, '').toLowerCase();
    // Letters of other scripts that look Latin ("diаbetes" with a Cyrillic а) read as the
    // Latin letter they pass for.
    folded = folded.replace(CONFUSABLE, (c) => CONFUSABLES[c] ?? c);
    folded = folded.replace(LETTER_FOLD, (c) => LETTER_FOLDS[c] ?? c);
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
