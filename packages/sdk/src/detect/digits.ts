// Numbers as people paste them, read from normalised text as one stream of digit groups.
// A BSN arrives as 123456782, 1234.56.782, 123 45 6782, from a spreadsheet with tabs or
// line breaks between its groups, one digit at a time, with an en dash or an underscore,
// with an O for a 0 or an l for a 1, or partly in words. Rather than a pattern per layout,
// the text is read once into groups of digits joined by short separators, and every run
// of whole groups that makes eight or nine digits is a candidate with its layout described.

/** A group of digits as it stood in the text. */
export interface DigitGroup {
  digits: string;
  /** Offsets in the normalised text. */
  start: number;
  end: number;
  /** Letters read as digits (o, l, i, s, b) made part of it. */
  lookalike: boolean;
  /** Number words ("twee", "seven") made it. */
  words: boolean;
}

/** Groups joined by short separators: one number as a person meant it. */
export interface DigitRun {
  groups: DigitGroup[];
  /** The separator text between group k and k + 1. */
  separators: string[];
}

/** A reading of whole groups of a run as an eight- or nine-digit number. */
export interface NumberCandidate {
  /** Nine digits (an eight-digit reading padded with a leading zero). */
  digits: string;
  /** How many digits were given: 8 or 9. */
  given: 8 | 9;
  start: number;
  end: number;
  groups: readonly DigitGroup[];
  separators: readonly string[];
  /** The run has digits before or after this reading: it may be part of a longer number. */
  partOfLonger: boolean;
  layout: NumberLayout;
}

/**
 * How a candidate is laid out: `plain` nine digits; `grouped` in the usual layouts (groups
 * of two or more, one kind of separator); `odd` anything else people paste (tabs, line
 * breaks, mixed separators, single digits); `lookalike` letters for digits; `words`
 * number words.
 */
export type NumberLayout = 'plain' | 'grouped' | 'odd' | 'lookalike' | 'words';

// At most this many separator characters between two groups of one number.
const MAX_SEPARATOR = 3;
const MAX_SINGLE_DIGIT_SEPARATOR = 3;

const LOOKALIKE: Readonly<Record<string, string>> = {
  o: '0',
  l: '1',
  i: '1',
  '|': '1',
  s: '5',
  b: '8',
};

/** Number words of Dutch, English and Polish (the languages a platform's workers write). */
const NUMBER_WORDS: Readonly<Record<string, string>> = {
  nul: '0',
  zero: '0',
  oh: '0',
  een: '1',
  one: '1',
  jeden: '1',
  twee: '2',
  two: '2',
  dwa: '2',
  drie: '3',
  three: '3',
  trzy: '3',
  vier: '4',
  four: '4',
  cztery: '4',
  vijf: '5',
  five: '5',
  piec: '5',
  zes: '6',
  six: '6',
  szesc: '6',
  zeven: '7',
  seven: '7',
  siedem: '7',
  acht: '8',
  eight: '8',
  osiem: '8',
  negen: '9',
  nine: '9',
  dziewiec: '9',
};
/** Fewer number words in a row than this are ordinary words ("een cursus"). */
const MIN_NUMBER_WORDS = 3;

const NUMBER_WORD = `(?:${Object.keys(NUMBER_WORDS).join('|')})`;
const NUMBER_WORDS_IN_A_ROW = new RegExp(
  `(?<![a-z])${NUMBER_WORD}(?:[^a-z0-9]+${NUMBER_WORD}){${String(MIN_NUMBER_WORDS - 1)}}(?![a-z])`,
);

/**
 * Whether a normalised text may hold digits at all: a digit, number words in a row
 * ("zeven negen zeven nul …", "nine, four, five …") or a numeral word, which digitRuns
 * reads as digits.
 */
export function mayHoldDigits(text: string): boolean {
  return HAS_DIGIT.test(text) || NUMBER_WORDS_IN_A_ROW.test(text) || HAS_NUMERAL.test(text);
}
/** A Dutch numeral word of tens or hundreds ("zesenzeventig", "vierhonderdvijf"). */
const HAS_NUMERAL = /honderd|(?:twin|der|veer|vijf|zes|zeven|tach|negen)tig/;
const HAS_DIGIT = /\d/;

const isDigit = (c: number) => c >= 48 && c <= 57;
/** A lowercase ASCII letter (the normalised text's letters). */
export const isLetter = (c: number) => c >= 97 && c <= 122;
/** What may stand between groups of one number: anything but letters and digits. */
const isSeparator = (c: number) => !isDigit(c) && !isLetter(c) && c !== 124; /* | */

/**
 * A token of letters and digits in which letters stand in for digits ("l11222333",
 * "12O456789", the "09O" of "278 059 09O"): a short token with one such letter, or a longer
 * one of at least five digits with up to three, each one of o l i s b.
 */
function lookalikeDigits(token: string, loose: boolean): string | undefined {
  let digits = 0;
  let letters = 0;
  for (const ch of token) {
    if (isDigit(ch.charCodeAt(0))) digits++;
    else if (LOOKALIKE[ch] !== undefined) letters++;
    else return undefined;
  }
  // A whole number typed with the letters nearest the digits ("lOl43l5O8", "988O54OOO"):
  // eight or nine characters of digits and o, l, i, at least three of them digits.
  const wholeNumber =
    (token.length === 8 || token.length === 9) && digits >= 3 && !/[sb|]/.test(token);
  // Read loosely (a text that names a personal number), any token of digits and such letters
  // up to nine long is one: "llO 224 O24", "9lOO.85.4l9", "SS7-S19-47O".
  // A token of letters only must be three or more of o, l, i ("llO"), so that words near
  // the name ("is", "so", "bol") stay words.
  const fits =
    (loose &&
      token.length <= 9 &&
      (digits > 0 || (token.length >= 3 && /^[oli|]+$/.test(token)))) ||
    (token.length <= 4
      ? digits >= 1 && letters <= 1
      : (digits >= 5 && letters <= 3) || wholeNumber);
  if (letters === 0 || !fits) return undefined;
  return Array.from(token, (ch) => LOOKALIKE[ch] ?? ch).join('');
}

const UNITS = ['een', 'twee', 'drie', 'vier', 'vijf', 'zes', 'zeven', 'acht', 'negen'];
const TEENS = ['tien', 'elf', 'twaalf', 'dertien', 'veertien', 'vijftien', 'zestien'];
const LATER_TEENS = ['zeventien', 'achttien', 'negentien'];
const TENS = ['twintig', 'dertig', 'veertig', 'vijftig', 'zestig', 'zeventig', 'tachtig'];
const UNIT = `(${UNITS.join('|')})`;
/**
 * A Dutch numeral of two or three digits written as one word, as speech-to-text writes a
 * number read out in groups: "zesenzeventig" (76), "vierhonderdvijf" (405),
 * "achthonderdvijfenvijftig" (855). Digits, with the tens padded inside a hundred.
 */
const DUTCH_NUMERAL = new RegExp(
  `^(?:${UNIT}?honderd)?(?:${UNIT}(?:en|ën)(${[...TENS, 'negentig'].join('|')})|(${[...TENS, 'negentig'].join('|')})|(${[...TEENS, ...LATER_TEENS].join('|')})|${UNIT})?$`,
);

/** The digits of a Dutch numeral word of 10 to 999 (see DUTCH_NUMERAL), or undefined. */
function dutchNumeral(word: string): string | undefined {
  if (word.length < 4) return undefined;
  const m = DUTCH_NUMERAL.exec(word);
  if (m === null) return undefined;
  const [, hundredsUnit, unitBeforeTens, tensAfterUnit, tensAlone, teen, unitAlone] = m;
  const hundreds = word.includes('honderd')
    ? hundredsUnit === undefined
      ? 1
      : UNITS.indexOf(hundredsUnit) + 1
    : 0;
  const tensWord = tensAfterUnit ?? tensAlone;
  const tens = tensWord === undefined ? 0 : [...TENS, 'negentig'].indexOf(tensWord) + 2;
  const rest =
    teen !== undefined
      ? [...TEENS, ...LATER_TEENS].indexOf(teen) + 10
      : tens * 10 +
        (unitBeforeTens !== undefined ? UNITS.indexOf(unitBeforeTens) + 1 : 0) +
        (unitAlone !== undefined ? UNITS.indexOf(unitAlone) + 1 : 0);
  const value = hundreds * 100 + rest;
  // A lone unit ("vijf") is a number word of its own, read as NUMBER_WORDS reads it.
  if (value < 10) return undefined;
  return hundreds > 0 ? String(value).padStart(3, '0') : String(value);
}

/** Tokens of the text: maximal runs of letters, digits and `|`, with offsets. */
function tokens(text: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSeparator(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && !isSeparator(text.charCodeAt(i))) i++;
    out.push({ text: text.slice(start, i), start, end: i });
  }
  return out;
}

/**
 * The digit runs of a normalised text: every group of digits (plain, with look-alike
 * letters, or number words), joined into runs where only short separators stand between.
 * `loose`: read any short token of digits and look-alike letters as digits, even one with
 * no digit ("llO"); only for a text that names a personal number, where "lol" is no word.
 */
export function digitRuns(text: string, loose = false): DigitRun[] {
  const groups: DigitGroup[] = [];
  const toks = tokens(text);
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!;
    const first = t.text.charCodeAt(0);
    if (isDigit(first) && /^\d+$/.test(t.text)) {
      groups.push({ digits: t.text, start: t.start, end: t.end, lookalike: false, words: false });
      continue;
    }
    // Digits inside a word ("bsn123456782", "ref12345"): the digits are a group.
    const hasDigit = /\d/.test(t.text);
    if (hasDigit || loose) {
      const read = lookalikeDigits(t.text, loose);
      if (read !== undefined) {
        groups.push({ digits: read, start: t.start, end: t.end, lookalike: true, words: false });
        continue;
      }
    }
    if (hasDigit) {
      for (const m of t.text.matchAll(/\d+/g)) {
        const start = t.start + m.index;
        groups.push({
          digits: m[0],
          start,
          end: start + m[0].length,
          lookalike: false,
          words: false,
        });
      }
      continue;
    }
    const compound = loose ? dutchNumeral(t.text) : undefined;
    if (compound !== undefined) {
      groups.push({ digits: compound, start: t.start, end: t.end, lookalike: false, words: true });
      continue;
    }
    if (NUMBER_WORDS[t.text] !== undefined) {
      let j = k;
      let digits = '';
      while (j < toks.length && NUMBER_WORDS[toks[j]!.text] !== undefined)
        digits += NUMBER_WORDS[toks[j++]!.text]!;
      if (j - k >= MIN_NUMBER_WORDS) {
        groups.push({
          digits,
          start: t.start,
          end: toks[j - 1]!.end,
          lookalike: false,
          words: true,
        });
        k = j - 1;
      }
    }
  }
  const runs: DigitRun[] = [];
  let current: DigitRun | undefined;
  for (const g of groups) {
    const previous = current?.groups.at(-1);
    const between = previous === undefined ? '' : text.slice(previous.end, g.start);
    const joinable =
      previous !== undefined &&
      between.length > 0 &&
      between.length <= (g.digits.length === 1 ? MAX_SINGLE_DIGIT_SEPARATOR : MAX_SEPARATOR) &&
      [...between].every((ch) => isSeparator(ch.charCodeAt(0)));
    if (current !== undefined && joinable) {
      current.groups.push(g);
      current.separators.push(between);
    } else {
      current = { groups: [g], separators: [] };
      runs.push(current);
    }
  }
  return runs;
}

/** Every reading of whole groups of a run as eight or nine digits. */
export function numberCandidates(run: DigitRun): NumberCandidate[] {
  const out: NumberCandidate[] = [];
  const { groups, separators } = run;
  for (let from = 0; from < groups.length; from++) {
    let total = 0;
    for (let to = from; to < groups.length; to++) {
      total += groups[to]!.digits.length;
      if (total > 9) break;
      if (total < 8) continue;
      const chosen = groups.slice(from, to + 1);
      const seps = separators.slice(from, to);
      if (isClockTime(chosen, seps) || isNetworkAddress(run, from, to)) continue;
      const digits = chosen.map((g) => g.digits).join('');
      out.push({
        digits: digits.padStart(9, '0'),
        given: total as 8 | 9,
        start: chosen[0]!.start,
        end: chosen.at(-1)!.end,
        groups: chosen,
        separators: seps,
        partOfLonger:
          (from > 0 && continues(separators[from - 1]!, seps, separators[from - 2])) ||
          (to < groups.length - 1 && continues(separators[to]!, seps, separators[to + 1])),
        layout: layoutOf(chosen, seps),
      });
    }
  }
  return out;
}

/**
 * Whether a reading holds a time of day ("00:12:44.000", the "09:22:10.004" of an ISO
 * timestamp): two groups of two digits joined by a colon, the second a minute or second.
 * A time is what a colon between such groups means; no one writes their BSN that way.
 */
function isClockTime(groups: readonly DigitGroup[], separators: readonly string[]): boolean {
  for (let k = 0; k < separators.length; k++) {
    const left = groups[k]!.digits;
    const right = groups[k + 1]!.digits;
    if (separators[k] === ':' && left.length === 2 && right.length === 2 && Number(right) < 60)
      return true;
  }
  return false;
}

/**
 * Whether a reading is a whole IPv4 address ("84.26.113.20"): exactly four groups of one to
 * three digits joined by dots, each at most 255, with nothing else in the run.
 */
function isNetworkAddress(run: DigitRun, from: number, to: number): boolean {
  const { groups, separators } = run;
  return (
    from === 0 &&
    to === 3 &&
    groups.length === 4 &&
    separators.every((s) => s === '.') &&
    groups.every((g) => g.digits.length <= 3 && Number(g.digits) <= 255 && !g.words)
  );
}

/**
 * Whether a neighbouring group joined by `separator` continues the candidate: the same one
 * character the candidate's own groups are joined by (123 456 789 012), or, for a single
 * group, one of the usual separators (a phone's "+31 6 …", 0612-345678). A date or a CSV
 * column next to it ("1990;263237564", "02-05-1991, 977212907") does not. `beyond`: the
 * separator between the neighbour and the group past it, if any.
 */
function continues(
  separator: string,
  inside: readonly string[],
  beyond: string | undefined,
): boolean {
  if (separator.length !== 1) return false;
  // A neighbour of groups joined by one separator that is joined to its own neighbour
  // otherwise belongs to a number of its own ("04-11-1987\t689\t886\t469": the year is
  // the date's). A single group keeps its neighbours: a log line's time ("11:02:13
  // 454893656") says the number is the line's, not a person's.
  if (inside.length > 0 && beyond !== undefined && beyond !== separator) return false;
  return inside.length === 0 ? /^[ .\-/]$/.test(separator) : inside.every((s) => s === separator);
}

function layoutOf(groups: readonly DigitGroup[], separators: readonly string[]): NumberLayout {
  if (groups.some((g) => g.words)) return 'words';
  if (groups.some((g) => g.lookalike)) return 'lookalike';
  if (groups.length === 1) return 'plain';
  const usual =
    groups.length <= 4 &&
    groups.every((g) => g.digits.length >= 2) &&
    separators.every((s) => s === separators[0] && /^[ .\-/]$/.test(s));
  return usual ? 'grouped' : 'odd';
}
