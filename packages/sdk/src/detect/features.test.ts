import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, FeatureSet, featureHash, featureNameHash, fnv, fnvFrom } from './features.js';

// The shortcuts that hash a feature's name without making it must give the very buckets
// the plain calls give: the shipped model's weights are indexed by them.
describe('feature hashing shortcuts', () => {
  const weights = Float32Array.from(
    { length: BUCKETS },
    (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32,
  );

  it('continues FNV-1a over a suffix as over the joined string', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(fnvFrom(fnv(a), b)).toBe(fnv(a + b));
      }),
    );
  });

  it('addJoined and pairHashed land in the buckets of add and pair', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, suffix, word) => {
        const plain = new FeatureSet(true);
        plain.add(prefix + suffix);
        plain.pair(prefix, word);
        const short = new FeatureSet(true);
        short.addJoined(prefix, suffix);
        short.pairHashed(prefix, featureNameHash(prefix), word, fnv(word));
        expect(short.hashes).toEqual(plain.hashes);
        expect(short.names).toEqual(plain.names);
        expect(short.hashes[0]).toBe(featureHash(prefix + suffix));
        const summed = new FeatureSet(false, weights);
        summed.addJoined(prefix, suffix);
        summed.pairHashed(prefix, featureNameHash(prefix), word, fnv(word));
        const expected = plain.hashes.reduce((sum, h) => sum + weights[h]!, 0);
        expect(summed.sum).toBeCloseTo(expected, 6);
      }),
    );
  });
});
