// What the screen (prefilter.ts) looks for, derived from the same lexicon entries the full
// path matches (term-index.ts), so that whatever the full path could find, the screen says
// "maybe" for: each term by its word or its phrase's telling words, and strong terms
// inside compounds.
import type { ScreenLiteral, ScreenTargets } from './prefilter.js';
import { COMPOUND_END_MIN, COMPOUND_MIN, parseWord, type WordPattern } from './term-index.js';

/**
 * Words too common to screen a phrase by: articles, prepositions, pronouns, the commonest
 * verbs and adverbs of Dutch and English. A phrase is screened by another of its words.
 */
const COMMON_WORDS = new Set(
  (
    'de het een van in op te naar voor met uit bij aan om en of over tot door na als dan ' +
    'ik je jij u hij zij ze we wij mijn mn jouw zijn zn haar ons onze hun hen me mij hem ' +
    'is was ben bent zijn waren heb hebt heeft hebben had hadden gehad word wordt worden werd ' +
    'ga gaat gaan ging doe doet doen deed kan kun kunnen kon mag mogen moet moeten wil wilt willen ' +
    'zal zou zit zat sta staat komt kom komen kwam krijg krijgt kreeg gekregen niet geen wel ook ' +
    'nog al erg heel hele veel weer even nu dat dit die deze wat wie waar hoe er daar hier thuis ' +
    'huis zien zie weet weten zeggen zegt maken maakt nemen neemt geven geeft vinden vind denk ' +
    'denken staan liggen lopen werken werkt houden blijven zetten brengen halen kijken laten ' +
    'beginnen voel voelen voelt lijkt horen geboren gevallen vallen valt gebroken nieuw nieuwe ' +
    'goed goede groot grote klein kleine oud oude jong eerste tweede laatste lang lange kort hoog ' +
    'laag zwaar licht open dicht vol snel echt zeker sterk beter best dag dagen week weken jaar ' +
    'jaren tijd werk mensen kind hand hoofd type code check score profiel contract kandidaat ' +
    'certificaat analyse verificatie sinds vanaf vorige volgende ' +
    'the a an of to on for with at and in is was are were be been being have has had do does ' +
    'did not no my his her their our your i me he she they we it this that from by as so very ' +
    'home got get go went can could will would should may come came make take give find think ' +
    'see know work people day days week year time face check carry failed new good first last ' +
    'type code score profile contract candidate certificate analysis since ' +
    // Field names and words every body has: a phrase is screened by its other word.
    'note notes remark opmerking comment text tekst message bericht name naam title titel ' +
    'status date datum reason reden description omschrijving'
  ).split(' '),
);

/** Classes of at most this many words are screened for by their words (see screenTerm). */
const SMALL_CLASS = 64;

function smallClass(word: string, classes: Readonly<Record<string, readonly string[]>>): boolean {
  if (!word.startsWith('@')) return false;
  const members = classes[word.slice(1)];
  return members !== undefined && members.length <= SMALL_CLASS;
}

/** How a word pattern of a term sits in the screen. */
function literalOf(p: WordPattern): ScreenLiteral {
  const placement = p.closedBefore ? (p.open ? 'start' : 'word') : p.open ? 'inside' : 'end';
  return { literal: p.literal, placement, common: COMMON_WORDS.has(p.literal) };
}

/**
 * How the screen looks for one term: by one literal, or as a phrase of literals that
 * must all be in the text. A phrase with a word that is a term on its own is screened by
 * that term already. Otherwise its telling words (not function words) must all be there;
 * a phrase of function words only ("did time") needs all of them. A word of letters and
 * digits is what the screen sees, so "hiv-positief" is the two words "hiv" and "positief".
 */
export function screenTerm(
  term: string,
  alone: ReadonlySet<string> = new Set(),
  classes: Readonly<Record<string, readonly string[]>> = {},
):
  | { literal: ScreenLiteral }
  | { phrase: ScreenLiteral[] }
  | { phrases: ScreenLiteral[][] }
  | undefined {
  const spaced = term.split(' ');
  const free = spaced.length > 1 ? spaced.find((w) => alone.has(w)) : undefined;
  // A word of a small class ('@party') is screened for as itself: one phrase per word of the
  // class, with the phrase's other words ('actief bij' and 'sp'), so that a lesson full of
  // 'actief' and 'bij' but no party stays on the fast path.
  const small = free === undefined ? spaced.find((w) => smallClass(w, classes)) : undefined;
  if (small !== undefined) {
    const phrases: ScreenLiteral[][] = [];
    for (const member of classes[small.slice(1)]!) {
      const t = screenTerm(spaced.map((w) => (w === small ? member : w)).join(' '), alone, classes);
      if (t === undefined) continue;
      if ('literal' in t) phrases.push([t.literal]);
      else if ('phrase' in t) phrases.push(t.phrase);
      else phrases.push(...t.phrases);
    }
    return { phrases };
  }
  // A word of a large class (`@place`) could be any of many: the phrase is screened by its others.
  const patterns = (free === undefined ? spaced : [free])
    .flatMap(parseWord)
    .filter((p) => p.wordClass === undefined);
  if (patterns.length === 0) return undefined;
  // Of a phrase of function words only ("uit de kom"), articles and the like are left out
  // where two longer words remain: they are in almost every text.
  let telling = patterns.filter((p) => !COMMON_WORDS.has(p.literal));
  const longer = patterns.filter((p) => p.literal.length > 2);
  // A phrase is screened by two of its words at least: one telling word alone ("vast" of
  // "zit ~ vast") would send every text with it ("de video liep vast") to the full path.
  if (telling.length === 1 && patterns.length > 1) {
    const other = patterns
      .filter((p) => p !== telling[0])
      .sort((a, b) => b.literal.length - a.literal.length)[0]!;
    telling = [other, telling[0]!];
  }
  const needed = (telling.length > 0 ? telling : longer.length >= 2 ? longer : patterns).map(
    literalOf,
  );
  return needed.length === 1 ? { literal: needed[0]! } : { phrase: needed };
}

/** The screen's targets for lexicon terms (with which may stand in compounds) and plain terms. */
export function screenTargets(
  categoryTerms: readonly { term: string; compound: boolean }[],
  plainTerms: readonly string[],
  classes: Readonly<Record<string, readonly string[]>> = {},
): ScreenTargets {
  const literals: ScreenLiteral[] = [];
  const phrases: ScreenLiteral[][] = [];
  // Terms of one word, as written: a phrase with one of them among its words is screened by it.
  const alone = new Set(
    [...plainTerms, ...categoryTerms.map((t) => t.term)].filter((t) => !t.includes(' ')),
  );
  const add = (term: string) => {
    const t = screenTerm(term, alone, classes);
    if (t === undefined) return;
    if ('literal' in t) literals.push(t.literal);
    else if ('phrase' in t) phrases.push(t.phrase);
    else
      for (const phrase of t.phrases)
        if (phrase.length === 1) literals.push(phrase[0]!);
        else phrases.push(phrase);
  };
  for (const term of plainTerms) add(term);
  for (const { term, compound } of categoryTerms) {
    add(term);
    // One-word terms are also read with typos, in compounds and written apart.
    if (term.includes(' ')) continue;
    const leading = term.startsWith('*');
    const core = term.replace(/^\*|\*$/g, '');
    if (/[^a-z0-9]/.test(core)) continue;
    // A strong ending inside a compound ("longkankeronderzoek" for "*kanker").
    if (leading) {
      if (compound && !term.endsWith('*') && core.length >= COMPOUND_END_MIN)
        literals.push({ literal: core, placement: 'inside' });
      continue;
    }
    // (Typos are read only in texts the screen sends to the full path for another reason,
    // and two words are read as one only where the second is a term itself: neither needs
    // literals of its own here. See term-index.ts.)
    if (compound && core.length >= COMPOUND_MIN)
      literals.push({ literal: core, placement: 'inside' });
  }
  return { literals, phrases };
}
