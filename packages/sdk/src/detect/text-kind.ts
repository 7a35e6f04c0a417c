// What kind of text a candidate stands in: a lesson, a policy, a chat message, a note about
// someone. Its first words say it better than the words around the term do ("Stel:",
// "Opdracht", "cursisten" against "ik", "mijn", "graag"), and so does how often the whole
// text speaks of a person, a role or a lesson (the context words of each kind). Both say it
// the same for every term in the text, so a text works them out once.
import { sizeBucket, type FeatureSet } from './features.js';
import type { ContextKind, SpecialCategory } from './lexicon.js';
import type { Word } from './words.js';

/** How many of a text's first distinct words (of three letters or more) are read. */
export const TEXT_KIND_WORDS = 40;

export class TextKind {
  readonly #words: string[] = [];
  readonly #hashes: number[] = [];
  /** The summed weight of the plain features, and per category of the crossed ones. */
  readonly #plain: { sum?: number } = {};
  readonly #crossed = new Map<SpecialCategory, { sum?: number }>();

  /** Per kind of context word, how often the whole text has one ("tk:subject:2"). */
  readonly #kinds: string[] = [];

  /**
   * `terms`: the lexicon's terms found in the text; `context`: the kinds of context per word. Their words are left out: the kind of a
   * text is in its other words, and a lesson full of health words ("hepatitis", "hernia",
   * "puffer") would otherwise read as a text about someone's health.
   */
  constructor(
    words: readonly Word[],
    terms: readonly { first: number; last: number }[],
    context: readonly (ReadonlySet<ContextKind> | undefined)[],
  ) {
    const counts = new Map<ContextKind, number>();
    for (const kinds of context)
      if (kinds !== undefined) for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const [kind, count] of counts)
      this.#kinds.push(`tk:${kind}:${sizeBucket(count, [2, 4, 8])}`);
    const inTerm = new Set<number>();
    for (const t of terms) for (let i = t.first; i <= t.last; i++) inTerm.add(i);
    for (let i = 0; i < words.length && this.#words.length < TEXT_KIND_WORDS; i++) {
      const word = words[i]!;
      if (word.text.length > 2 && !inTerm.has(i) && !this.#hashes.includes(word.hash)) {
        this.#words.push(word.text);
        this.#hashes.push(word.hash);
      }
    }
  }

  /** Adds the text's words to a candidate's features, plain (`d:`) and crossed with its category. */
  addTo(f: FeatureSet, category: SpecialCategory, crossedName: string): void {
    for (const kind of this.#kinds) f.add(kind);
    f.pairs('d:', this.#words, this.#hashes, this.#plain);
    let crossed = this.#crossed.get(category);
    if (crossed === undefined) this.#crossed.set(category, (crossed = {}));
    f.pairs(crossedName, this.#words, this.#hashes, crossed);
  }
}
