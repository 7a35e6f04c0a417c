/**
 * The fast path of detection. Almost every string a platform writes holds nothing the
 * agreement forbids, so before any normalisation, regular expression or scoring, one tight
 * loop over the raw characters answers a single question: could this string hold a
 * finding? It can when it has a non-ASCII character (it must be normalised first, so the
 * full path decides), a run of nine digits (a BSN or onderwijsnummer needs them), or a
 * word that starts, ends or is a lexicon term. The answer may be a false "yes", never a
 * false "no": the full path makes the decision.
 *
 * Terms live in a trie over 36 character classes (a–z folded from A–Z, 0–9), stored in one
 * Int32Array, walked from each word start; `*stem` terms in a second trie over reversed
 * stems, walked back from each word end. A phrase is screened by its longest word, which
 * must occur for the phrase to.
 */

const CLASSES = 37; // 0 = not a word character, 1..26 letters, 27..36 digits
const FIRST_DIGIT_CLASS = 27;
const DEAD = -1;
const MATCH = -2;
// A BSN or onderwijsnummer has nine digits (eight-digit BSNs count only next to a
// keyword, which the trie screens for): a run of nine digits, or digit groups joined by
// one separator each, is the only number worth a closer look. Dates and times are not.
const MIN_RUN = 9;
const SEPARATOR = new Uint8Array(128);
for (const ch of ' .-/') SEPARATOR[ch.charCodeAt(0)] = 1;

/** Character class of each ASCII code: letters case-folded, digits, 0 for the rest. */
const CLASS_OF = new Uint8Array(128);
for (let c = 97; c <= 122; c++) CLASS_OF[c] = c - 96;
for (let c = 65; c <= 90; c++) CLASS_OF[c] = c - 64;
for (let c = 48; c <= 57; c++) CLASS_OF[c] = c - 48 + FIRST_DIGIT_CLASS;

/** Words too common to screen a phrase by; a phrase is screened by another of its words. */
const FUNCTION_WORDS = new Set(
  'de het een van in op te naar voor met uit bij aan om en of the a an of to on for with at and'.split(
    ' ',
  ),
);

const ACCEPT_AT_WORD_END = 1;
const ACCEPT_ANYWHERE = 2;

/** A trie in flat arrays: `next[state * CLASSES + class]`, flags per state. */
class FlatTrie {
  next = new Int32Array(CLASSES * 64).fill(DEAD);
  flags = new Uint8Array(64);
  size = 1; // state 0 is the root

  insert(classes: readonly number[], flag: number): void {
    let state = 0;
    for (const cls of classes) {
      let to = this.next[state * CLASSES + cls]!;
      if (to === DEAD) {
        to = this.#grow();
        this.next[state * CLASSES + cls] = to;
      }
      state = to;
    }
    this.flags[state]! |= flag;
  }

  #grow(): number {
    if (this.size === this.flags.length) {
      const next = new Int32Array(this.next.length * 2).fill(DEAD);
      next.set(this.next);
      this.next = next;
      const flags = new Uint8Array(this.flags.length * 2);
      flags.set(this.flags);
      this.flags = flags;
    }
    return this.size++;
  }
}

function classesOf(literal: string): number[] {
  return [...literal].map((ch) => CLASS_OF[ch.charCodeAt(0)] ?? 0);
}

export class Prefilter {
  readonly #forward = new FlatTrie();
  readonly #backward = new FlatTrie();
  #hasBackward = false;
  /** Which (last, second-to-last) character classes can end a `*stem` word: most words can't. */
  readonly #stemEnds = new Uint8Array(CLASSES * CLASSES);
  #shortStem = false;
  #hasInfix = false;

  /** `terms` in the lexicon syntax (see terms.ts), already checked by compileTerms. */
  constructor(terms: Iterable<string>) {
    for (const term of terms) this.#add(term);
  }

  #add(term: string): void {
    // A phrase occurs only where its longest word does; that word stands for it.
    // The most telling word stands for a phrase: the longest that is not a function word,
    // the later on a tie ("naar de kerk" is screened by "kerk", "lid van de sp" by "lid").
    const weight = (w: string) => (FUNCTION_WORDS.has(w) ? 0 : w.replaceAll('*', '').length);
    const word = term.split(' ').reduce((a, b) => (weight(b) >= weight(a) ? b : a));
    const leading = word.startsWith('*');
    const trailing = word.endsWith('*') && word.length > 1;
    // "hiv-positief", "jehovah's": the screen sees words of letters and digits only, so
    // the longest such part stands for the word; the stars keep to the outer parts.
    const parts = word.slice(leading ? 1 : 0, trailing ? -1 : undefined).split(/[^a-z0-9]+/);
    let at = 0;
    parts.forEach((part, i) => {
      if (part.length > parts[at]!.length) at = i;
    });
    const literal = parts[at]!;
    const suffix = leading && at === 0;
    const prefix = trailing && at === parts.length - 1;
    if (literal === '') return;
    const classes = classesOf(literal);
    if (suffix && prefix) {
      this.#hasInfix = true;
      this.#forward.insert(classes, ACCEPT_ANYWHERE);
    } else if (suffix) {
      this.#hasBackward = true;
      const reversed = classes.reverse();
      this.#backward.insert(reversed, ACCEPT_ANYWHERE);
      if (reversed.length < 2) this.#shortStem = true;
      else this.#stemEnds[reversed[0]! * CLASSES + reversed[1]!] = 1;
    } else {
      this.#forward.insert(classes, prefix ? ACCEPT_ANYWHERE : ACCEPT_AT_WORD_END);
    }
  }

  /**
   * The forward trie compiled for the hot loop: entries are the next state's offset (state
   * × classes), DEAD, or MATCH where the next state accepts anywhere, so one load per
   * character decides; `#endsAt[offset]` marks states that accept at a word end.
   */
  #compiled: { next: Int32Array; endsAt: Uint8Array } | undefined;

  #compile(): { next: Int32Array; endsAt: Uint8Array } {
    const { next, flags, size } = this.#forward;
    const out = new Int32Array(size * CLASSES).fill(DEAD);
    const endsAt = new Uint8Array(size * CLASSES);
    for (let state = 0; state < size; state++) {
      if ((flags[state]! & ACCEPT_AT_WORD_END) !== 0) endsAt[state * CLASSES] = 1;
      for (let cls = 1; cls < CLASSES; cls++) {
        const to = next[state * CLASSES + cls]!;
        if (to === DEAD) continue;
        out[state * CLASSES + cls] = (flags[to]! & ACCEPT_ANYWHERE) !== 0 ? MATCH : to * CLASSES;
      }
    }
    return (this.#compiled = { next: out, endsAt });
  }

  /** Whether `text` needs the full detection path; false means it certainly holds nothing. */
  mayHold(text: string): boolean {
    const { next, endsAt } = this.#compiled ?? this.#compile();
    const checkWordEnd = this.#hasBackward || this.#hasInfix;
    const stemEnds = this.#stemEnds;
    const n = text.length;
    let run = 0; // digits in the current number, groups joined by one separator
    let lastDigit = -2;
    let i = 0;
    while (i < n) {
      let code = text.charCodeAt(i);
      if (code >= 128) return true;
      let cls = CLASS_OF[code]!;
      if (cls === 0) {
        if (SEPARATOR[code] === 0 || lastDigit !== i - 1) run = 0;
        i++;
        continue;
      }
      // A word starts at i: walk the trie while it can still match…
      const start = i;
      let state = 0;
      for (;;) {
        if (cls >= FIRST_DIGIT_CLASS) {
          if (++run >= MIN_RUN) return true;
          lastDigit = i;
        } else {
          run = 0;
        }
        state = next[state + cls]!;
        if (state < 0 || ++i === n) break;
        code = text.charCodeAt(i);
        if (code >= 128) return true;
        cls = CLASS_OF[code]!;
        if (cls === 0) break;
      }
      if (state === MATCH) return true;
      if (state === DEAD) {
        // …then skip the rest of it, still counting digits.
        for (i++; i < n; i++) {
          code = text.charCodeAt(i);
          if (code >= 128) return true;
          cls = CLASS_OF[code]!;
          if (cls === 0) break;
          if (cls >= FIRST_DIGIT_CLASS) {
            if (++run >= MIN_RUN) return true;
            lastDigit = i;
          } else {
            run = 0;
          }
        }
      } else if (endsAt[state] === 1) {
        return true;
      }
      if (checkWordEnd) {
        // Most words cannot end in a `*stem`: their last two characters say so at once.
        const possible =
          this.#shortStem ||
          this.#hasInfix ||
          (i - start >= 2 &&
            stemEnds[
              CLASS_OF[text.charCodeAt(i - 1)]! * CLASSES + CLASS_OF[text.charCodeAt(i - 2)]!
            ] === 1);
        if (possible && this.#atWordEnd(text, start, i)) return true;
      }
    }
    return false;
  }

  #atWordEnd(text: string, start: number, end: number): boolean {
    return (
      (this.#hasBackward && this.#endsWithStem(text, start, end)) ||
      (this.#hasInfix && this.#holdsInfix(text, start, end))
    );
  }

  /** Walks the reversed-stem trie back from the end of the word text[start, end). */
  #endsWithStem(text: string, start: number, end: number): boolean {
    const { next, flags } = this.#backward;
    let state = 0;
    for (let i = end - 1; i >= start; i--) {
      state = next[state * CLASSES + CLASS_OF[text.charCodeAt(i)]!]!;
      if (state === DEAD) return false;
      if ((flags[state]! & ACCEPT_ANYWHERE) !== 0) return true;
    }
    return false;
  }

  /** `*stem*` terms: the forward trie from every position inside the word. */
  #holdsInfix(text: string, start: number, end: number): boolean {
    const { next, flags } = this.#forward;
    for (let from = start + 1; from < end; from++) {
      let state = 0;
      for (let i = from; i < end && state !== DEAD; i++) {
        state = next[state * CLASSES + CLASS_OF[text.charCodeAt(i)]!]!;
        if (state !== DEAD && (flags[state]! & ACCEPT_ANYWHERE) !== 0) return true;
      }
    }
    return false;
  }
}
