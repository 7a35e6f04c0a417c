import fc from 'fast-check';

// Text as it arrives beyond ASCII, for the tests that hold the screens to the full path:
// what people type on phones and in word processors, and what someone hiding a word from
// a filter would send. Normalisation folds each of these back (see normalise.ts).

/** Characters between words: typographic punctuation, odd spaces, symbols, emoji. */
export const UNICODE_SEPARATORS = [
  '’',
  '“',
  '”',
  ' – ',
  '—',
  '…',
  '\u00a0',
  '\u2009',
  '\u202f',
  ' € ',
  ' 🙂 ',
  '\u0301',
] as const;

/** Words that stay beyond ASCII after folding, or fold to letters: names, foreign words. */
export const UNICODE_WORDS = [
  'Şükrü',
  'Yılmaz',
  'Łukasz',
  'Straße',
  'İstanbul',
  'Ωμέγα',
  'Дмитрий',
  'ﬁets',
  '日本語',
  '١٢٣',
] as const;

const FULL_WIDTH_OFFSET = 0xfee0;
const MATH_BOLD_SMALL_A = 0x1d41a;
const MATH_BOLD_ZERO = 0x1d7ce;
const ARABIC_INDIC_ZERO = 0x660;

/** Ways to write one ASCII letter or digit that normalisation folds back to it. */
function forms(char: string): string[] {
  const code = char.charCodeAt(0);
  const out = [char, char.toUpperCase()];
  const letter = code >= 0x61 && code <= 0x7a;
  const digit = code >= 0x30 && code <= 0x39;
  if (!letter && !digit) return out;
  out.push(String.fromCharCode(code + FULL_WIDTH_OFFSET));
  out.push(`\u00ad${char}`, `\u200b${char}`);
  if (letter) {
    out.push(String.fromCodePoint(MATH_BOLD_SMALL_A + code - 0x61));
    out.push(`${char}\u0301`.normalize('NFC'));
  } else {
    out.push(String.fromCodePoint(MATH_BOLD_ZERO + code - 0x30));
    out.push(String.fromCharCode(ARABIC_INDIC_ZERO + code - 0x30));
  }
  return out;
}

/** Letter pairs with a ligature of their own, which folds back to the two letters. */
const LIGATURES: readonly [string, string][] = [
  ['ffi', 'ﬃ'],
  ['ff', 'ﬀ'],
  ['fi', 'ﬁ'],
  ['fl', 'ﬂ'],
  ['st', 'ﬆ'],
];

/** `word` with each character in one of its forms beyond ASCII (or as itself). */
export function disguised(word: string): fc.Arbitrary<string> {
  const chars = fc
    .tuple(...Array.from(word, (char) => fc.constantFrom(...forms(char))))
    .map((parts) => parts.join(''));
  const ligatures = LIGATURES.reduce((w, [pair, ligature]) => w.replaceAll(pair, ligature), word);
  return ligatures === word ? chars : fc.oneof(chars, fc.constant(ligatures));
}
