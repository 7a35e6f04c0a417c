import { fnv } from './features.js';

// The words of a normalised text, as the term matcher and the model read them. A word is a
// run of letters and digits. Beside its text, a word carries how people disguise words:
// digits and symbols for letters inside it ("z1ek", "k@nker" read as "ziek", "kanker"),
// a run of single letters is one word spelled out ("e p i l e p s i e"), and two or three
// are also read as an acronym ("F.N.V.").

export interface Word {
  /** The word as normalised (lower case, no diacritics). */
  text: string;
  /** Offsets in the normalised text. */
  start: number;
  end: number;
  /** Letters for the digits and symbols inside it, when it had any ("z1ek" → "ziek"). */
  leet: string | undefined;
  /** The word was spelled out letter by letter, and `text` joins the letters. */
  spelled: boolean;
  /**
   * On the first of two or three single letters joined by single joints ("F.N.V.", "P V V",
   * "G-L"): the letters as one word, and how many words they are. An acronym is read so
   * as well as letter by letter, which is how it is written more often.
   */
  acronym: { text: string; words: number } | undefined;
  /** Index of the sentence it stands in. */
  sentence: number;
  /** FNV-1a of `text`: the term index and the model's features key on it. */
  hash: number;
}

/** Digits and symbols people write for letters, inside a word. */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

const isLetter = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** Inside a word: letters, digits, and the symbols that stand for letters. */
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 64 /* @ */ || c === 36; /* $ */
/** Letters spelled out are joined by one of these ("e p i", "e-p-i", "e.p.i", "e_p_i"). */
const isSpellingJoint = (c: number) => c === 32 || c === 45 || c === 46 || c === 95;
/** At least this many single letters in a row spell a word. */
export const MIN_SPELLED = 4;
/** Fewer, from this many, may be an acronym written with joints ("F.N.V."). */
export const MIN_ACRONYM = 2;

/**
 * The words of `text` with their sentences. A word of letters with digits or symbols in it
 * gets its `leet` reading; a run of four or more single letters becomes one spelled word.
 */
export function wordsOf(text: string): Word[] {
  const raw: Word[] = [];
  let sentence = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      if (endsSentence(text, i)) sentence++;
      i++;
      continue;
    }
    const start = i;
    let letters = 0;
    let others = 0;
    while (i < text.length && isWordChar(text.charCodeAt(i))) {
      if (isLetter(text.charCodeAt(i))) letters++;
      else others++;
      i++;
    }
    // Symbols at the edges are not part of a word ("@jan", "$5").
    let s = start;
    let e = i;
    while (s < e && !isLetter(text.charCodeAt(s)) && !isDigit(text.charCodeAt(s))) s++;
    while (e > s && !isLetter(text.charCodeAt(e - 1)) && !isDigit(text.charCodeAt(e - 1))) e--;
    if (s === e) continue;
    // Every word has every property, in one order: one shape keeps the readers fast.
    const slice = text.slice(s, e);
    const word: Word = {
      text: slice,
      start: s,
      end: e,
      leet: undefined,
      spelled: false,
      acronym: undefined,
      sentence,
      hash: fnv(slice),
    };
    if (letters >= 2 && others > 0) {
      const leet = Array.from(word.text, (ch) => LEET[ch] ?? ch).join('');
      if (leet !== word.text && /^[a-z]+$/.test(leet)) word.leet = leet;
    }
    raw.push(word);
  }
  return joinSpelled(text, raw);
}

/** Runs of single letters joined by single joints ("e p i l e p s i e") become one word. */
function joinSpelled(text: string, words: Word[]): Word[] {
  const out: Word[] = [];
  for (let k = 0; k < words.length; k++) {
    let j = k;
    while (
      j < words.length &&
      words[j]!.text.length === 1 &&
      isLetter(words[j]!.text.charCodeAt(0)) &&
      (j === k ||
        (words[j]!.start - words[j - 1]!.end === 1 &&
          isSpellingJoint(text.charCodeAt(words[j - 1]!.end))))
    )
      j++;
    if (j - k >= MIN_SPELLED) {
      const joined = words
        .slice(k, j)
        .map((w) => w.text)
        .join('');
      out.push({
        text: joined,
        start: words[k]!.start,
        end: words[j - 1]!.end,
        leet: undefined,
        spelled: true,
        acronym: undefined,
        sentence: words[k]!.sentence,
        hash: fnv(joined),
      });
      k = j - 1;
    } else if (j - k >= MIN_ACRONYM) {
      const joined = words
        .slice(k, j)
        .map((w) => w.text)
        .join('');
      out.push({ ...words[k]!, acronym: { text: joined, words: j - k } });
      for (let w = k + 1; w < j; w++) out.push(words[w]!);
      k = j - 1;
    } else out.push(words[k]!);
  }
  return out;
}

/**
 * Whether the character at `i` ends a sentence: `!`, `?`, `;`, a line break, or a full
 * stop followed by a space that does not end an abbreviation ("mw.", "i.v.m.").
 */
export function endsSentence(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 33 || c === 63 || c === 59 || c === 10) return true;
  if (c === 46) {
    const next = text.charCodeAt(i + 1);
    if (next !== 32 && next !== 10) return false;
    let w = i - 1;
    while (w >= 0 && isLetter(text.charCodeAt(w))) w--;
    return i - w - 1 > 3 && text.charCodeAt(w) !== 46;
  }
  return false;
}
