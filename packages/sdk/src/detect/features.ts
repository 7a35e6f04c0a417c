// What the learned judgment sees of a candidate (a lexicon term, or a value in a field named
// for a category): the term and how it matched, the words of its sentence and right next to
// it, what the lexicon's context words say (a person, a role, course content, a negation),
// the field it stands in, and the shape of the text. Features are hashed into a fixed number
// of buckets, so the model is a plain array of weights and unseen words cost nothing.

/** The number of weight buckets: features are hashed into [0, BUCKETS). */
export const BUCKETS = 1 << 18;
const MASK = BUCKETS - 1;

/** FNV-1a over a string (32 bits). */
export function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a continued over `text` from `hash`: `fnvFrom(fnv(a), b) === fnv(a + b)`. */
export function fnvFrom(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Two hashes into one (a murmur-style finaliser over their combination). */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// The names of features (prefixes, categories, match kinds) are few: hashed once each.
const NAME_CACHE_LIMIT = 50_000;
const names = new Map<string, number>();
function nameHash(name: string): number {
  let h = names.get(name);
  if (h === undefined) {
    h = fnv(name);
    if (names.size < NAME_CACHE_LIMIT) names.set(name, h);
  }
  return h;
}

/** The hash of a feature's name, for FeatureSet.pairHashed. */
export const featureNameHash = (name: string): number => nameHash(name);

/** The bucket of a feature named by one string. */
export function featureHash(feature: string): number {
  return nameHash(feature) & MASK;
}

/**
 * Collects the features of one candidate as bucket numbers. A feature is a name
 * (`add("course")`) or a name and a value (`pair("w:", word)`), the value's hash combined
 * with the name's, so a candidate's features cost no new strings: a megabyte of lessons
 * makes hundreds of thousands of candidates.
 */
export class FeatureSet {
  /** The bucket of each feature, in order; empty when the set only sums weights. */
  readonly hashes: number[] = [];
  /** Kept only while training or explaining: the names behind the hashes. */
  readonly names: string[] | undefined;
  /** When judging only, the weights to sum as features come: no array per candidate. */
  readonly #weights: Float32Array | undefined;
  #sum = 0;

  /**
   * `keepNames`: keep every feature's name and bucket (training, explanations). Otherwise,
   * given `weights`, the set keeps only the sum of their weights: a megabyte of lessons
   * makes tens of thousands of candidates, and each would otherwise carry its array.
   */
  constructor(keepNames = false, weights?: Float32Array) {
    this.names = keepNames ? [] : undefined;
    this.#weights = keepNames ? undefined : weights;
  }

  /** The summed weights, when the set was made to sum them. */
  get sum(): number | undefined {
    return this.#weights === undefined ? undefined : this.#sum;
  }

  add(feature: string): void {
    this.#bucket(nameHash(feature) & MASK);
    this.names?.push(feature);
  }

  /**
   * The feature named `prefix + suffix`, as `add` would hash that name, without making it:
   * names made per candidate ("sh:s v _") cost a string and a lookup by it each time.
   */
  addJoined(prefix: string, suffix: string): void {
    this.#bucket(fnvFrom(nameHash(prefix), suffix) & MASK);
    this.names?.push(prefix + suffix);
  }

  /**
   * `pair(name, value, valueHash)` with the name's hash given (`featureNameHash(name)`): for
   * loops that pair one name with many words, so its hash is looked up once.
   */
  pairHashed(name: string, nameHashed: number, value: string, valueHash: number): void {
    this.#bucket(mix(nameHashed, valueHash) & MASK);
    this.names?.push(name + value);
  }

  /** `name` with `value`; `valueHash` when the caller has it (fnv of the value). */
  pair(name: string, value: string, valueHash: number = fnv(value)): void {
    this.#bucket(mix(nameHash(name), valueHash) & MASK);
    this.names?.push(name + value);
  }

  /**
   * `name` with each of `values` (their fnv hashes given), as `pair` does. Features that every
   * candidate of one text shares: a set that only sums weights adds the sum kept in `shared`
   * by the text's first candidate, so a text of many candidates reads them once.
   */
  pairs(
    name: string,
    values: readonly string[],
    hashes: readonly number[],
    shared: { sum?: number },
  ): void {
    if (this.#weights !== undefined && shared.sum !== undefined) {
      this.#sum += shared.sum;
      return;
    }
    const before = this.#sum;
    for (let i = 0; i < values.length; i++) this.pair(name, values[i]!, hashes[i]);
    if (this.#weights !== undefined) shared.sum = this.#sum - before;
  }

  #bucket(h: number): void {
    if (this.#weights === undefined) this.hashes.push(h);
    else this.#sum += this.#weights[h]!;
  }
}

/** Feature prefixes whose value is a word of the text itself (not a lexicon or field signal). */
const TEXT_FEATURE =
  /^(?:w:|tb:|ta:|d:|cw:[a-z_]+:|cd:[a-z_]+:|p[123]:|n[123]:|pb:|fv:|cfv:[a-z_]+:|fw:|fsv:|bt:|bte\d:|bp1?:|bn1?:)/;

/**
 * Whether a feature is a word of the text itself: an explanation sums these and never lists
 * them (they are the text), and training moves them more slowly than the lexicon's signals.
 */
export function isTextFeature(name: string): boolean {
  return TEXT_FEATURE.test(name);
}

/** A length as a coarse bucket, so the model learns "short" and "long", not exact sizes. */
export function sizeBucket(n: number, edges: readonly number[]): string {
  for (let i = 0; i < edges.length; i++) if (n < edges[i]!) return BUCKET_NAMES[i]!;
  return BUCKET_NAMES[edges.length]!;
}
const BUCKET_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7'];

const keyWordCache = new Map<string, string[]>();

/** The words of a field name: "medischeInfo", "q3_herkomst" → ["medische", "info", "herkomst"]. */
export function keyWords(key: string): string[] {
  let words = keyWordCache.get(key);
  if (words === undefined) {
    words = key
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .normalize('NFKD')
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w.length > 1);
    if (keyWordCache.size >= 10_000) keyWordCache.clear();
    keyWordCache.set(key, words);
  }
  return words;
}
