// What kind of text a candidate stands in: a lesson, a policy, a chat message, a note about
// someone. Its first words say it better than the words around the term do ("Stel:",
// "Opdracht", "cursisten" against "ik", "mijn", "graag"), and they say it the same for every
// term in the text, so a candidate's features include them and a text works them out once.
import type { FeatureSet } from './features.js';
import type { SpecialCategory } from './lexicon.js';
import type { Word } from './words.js';

/** How many of a text's first distinct words (of three letters or more) are read. */
export const TEXT_KIND_WORDS = 40;

export class TextKind {
  readonly #words: string[] = [];
  readonly #hashes: number[] = [];
  /** The summed weight of the plain features, and per category of the crossed ones. */
  readonly #plain: { sum?: number } = {};
  readonly #crossed = new Map<SpecialCategory, { sum?: number }>();

  /**
   * `terms`: the lexicon's terms found in the text. Their words are left out: the kind of a
   * text is in its other words, and a lesson full of health words ("hepatitis", "hernia",
   * "puffer") would otherwise read as a text about someone's health.
   */
  constructor(words: readonly Word[], terms: readonly { first: number; last: number }[]) {
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
    f.pairs('d:', this.#words, this.#hashes, this.#plain);
    let crossed = this.#crossed.get(category);
    if (crossed === undefined) this.#crossed.set(category, (crossed = {}));
    f.pairs(crossedName, this.#words, this.#hashes, crossed);
  }
}
