/**
 * Compiles word lists written in the lexicon syntax into one regular expression, so a
 * text is scanned in a single native pass however many terms there are:
 *
 * - `word`   the whole word;
 * - `stem*`  a word that starts with stem (inflections, compounds: chemo* → chemokuur);
 * - `*stem`  a word that ends with stem (Dutch compounds: *klachten → rugklachten);
 * - `*stem*` stem anywhere in a word;
 * - several words separated by spaces: a phrase, each word with the same forms.
 *
 * Texts must be normalised first (lower case, no diacritics: see normalise.ts).
 */
export interface TermHit<T> {
  payload: T;
  /** Offsets of the whole matched phrase in the normalised text. */
  start: number;
  end: number;
}

export interface TermMatcher<T> {
  /** Calls `onHit` for every term found in `text[from, to)`. */
  scan(text: string, onHit: (hit: TermHit<T>) => void, from?: number, to?: number): void;
  /** Whether any term occurs in `text[from, to)`. */
  has(text: string, from?: number, to?: number): boolean;
  readonly size: number;
}

interface Word {
  literal: string;
  leadingStar: boolean;
  trailingStar: boolean;
}

interface Entry<T> {
  first: Word;
  /** The rest of a phrase, as a sticky expression run at the end of the first word. */
  rest: RegExp | undefined;
  payload: T;
}

const TERM_SYNTAX = /^(\*?[a-z0-9'-]+\*?)( \*?[a-z0-9'-]+\*?)*$/;

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

function parseWord(raw: string): Word {
  const leadingStar = raw.startsWith('*');
  const trailingStar = raw.endsWith('*') && raw.length > 1;
  return {
    literal: raw.slice(leadingStar ? 1 : 0, trailingStar ? -1 : undefined),
    leadingStar,
    trailingStar,
  };
}

function wordSource(word: Word): string {
  return (
    (word.leadingStar ? '[a-z0-9]*' : '') +
    escape(word.literal) +
    (word.trailingStar ? '[a-z0-9]*' : '(?![a-z0-9])')
  );
}

/** Throws on a term that is not in the lexicon syntax: lexicons are data, checked at load. */
export function compileTerms<T>(terms: readonly { term: string; payload: T }[]): TermMatcher<T> {
  const byLiteral = new Map<string, Entry<T>[]>();
  let shortest = Infinity;
  let longest = 0;
  for (const { term, payload } of terms) {
    if (!TERM_SYNTAX.test(term))
      throw new Error(`lexicon term ${JSON.stringify(term)} is not in the lexicon syntax`);
    const [head = '', ...tail] = term.split(' ');
    const first = parseWord(head);
    const rest =
      tail.length === 0
        ? undefined
        : new RegExp(tail.map((w) => `[^a-z0-9]{1,3}${wordSource(parseWord(w))}`).join(''), 'y');
    const list = byLiteral.get(first.literal) ?? [];
    list.push({ first, rest, payload });
    byLiteral.set(first.literal, list);
    shortest = Math.min(shortest, first.literal.length);
    longest = Math.max(longest, first.literal.length);
  }
  const literals = [...byLiteral.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const bounded = literals.filter((l) => byLiteral.get(l)!.some((e) => !e.first.leadingStar));
  const inner = literals.filter((l) => byLiteral.get(l)!.some((e) => e.first.leadingStar));
  const parts: string[] = [];
  // A leading \b lets the engine reject most positions at once; only `*stem` terms
  // need trying inside words, and they are few.
  if (bounded.length > 0) parts.push(`\\b(?:${bounded.map(escape).join('|')})`);
  if (inner.length > 0) parts.push(`(?:${inner.map(escape).join('|')})`);
  const pattern = parts.length === 0 ? /(?!)/g : new RegExp(parts.join('|'), 'g');

  const matchAt = (
    text: string,
    start: number,
    literal: string,
    to: number,
    onHit: (hit: TermHit<T>) => void,
  ): void => {
    const atBoundary = start === 0 || !isWordCode(text.charCodeAt(start - 1));
    const afterLiteral = start + literal.length;
    for (const entry of byLiteral.get(literal) ?? []) {
      const { first } = entry;
      if (!first.leadingStar && !atBoundary) continue;
      let end = afterLiteral;
      if (first.trailingStar) {
        while (end < to && isWordCode(text.charCodeAt(end))) end++;
      } else if (end < text.length && isWordCode(text.charCodeAt(end))) {
        // A window limits where a term may start, not where its word ends: "bsn" at
        // the edge of a window is no whole word when the text goes on "bsnxyz".
        continue;
      }
      if (entry.rest !== undefined) {
        entry.rest.lastIndex = end;
        const m = entry.rest.exec(text);
        if (m === null || entry.rest.lastIndex > to) continue;
        end = entry.rest.lastIndex;
      }
      onHit({ payload: entry.payload, start, end });
    }
  };

  const scan = (
    text: string,
    onHit: (hit: TermHit<T>) => void,
    from = 0,
    to = text.length,
  ): void => {
    // The expression searches only as far as a term starting in the window can reach:
    // left to run on, a search in a short window of a long text would read to its end,
    // and one such search per hit made detection quadratic ("ziek ziek ziek …").
    const haystack = to + longest >= text.length ? text : text.slice(0, to + longest);
    pattern.lastIndex = from;
    for (let m = pattern.exec(haystack); m !== null && m.index < to; m = pattern.exec(haystack)) {
      const literal = m[0];
      // The longest literal won at this position; shorter ones that are its prefixes
      // (zwanger* inside zwangerschapsverlof) must be tried too.
      for (let n = literal.length; n >= shortest; n--) {
        const candidate = n === literal.length ? literal : literal.slice(0, n);
        if (n === literal.length || byLiteral.has(candidate))
          matchAt(text, m.index, candidate, to, onHit);
      }
      pattern.lastIndex = m.index + 1; // overlapping terms (a compound inside a longer word)
    }
  };

  return {
    scan,
    has(text, from = 0, to = text.length) {
      let found = false;
      scan(text, () => (found = true), from, to);
      return found;
    },
    size: terms.length,
  };
}
