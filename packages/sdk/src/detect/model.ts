// The learned judgment: logistic regression over hashed features, trained by
// `npm run train` (src/model/train.ts) on the corpus's train split and shipped as
// data/model.json with its provenance. Inference is a sum of weights and a sigmoid.
import { readFileSync } from 'node:fs';
import { readDataFile } from './data.js';
import { BUCKETS, type FeatureSet } from './features.js';

/** data/model.json: weights of the features seen in training, quantised, with provenance. */
export interface ModelFile {
  format: 'dpa-guard.model/1';
  buckets: number;
  /** Weights are stored as integers: weight = value × scale. */
  scale: number;
  /** Base64 of the bucket indices (Uint32, ascending) that have a weight. */
  indices: string;
  /** Base64 of their quantised weights (Int16), in the same order. */
  values: string;
  provenance: Record<string, unknown>;
}

export class Model {
  readonly #weights: Float32Array;

  constructor(weights: Float32Array) {
    this.#weights = weights;
  }

  /** The probability that a candidate with these feature hashes is what it looks like. */
  score(hashes: readonly number[]): number {
    let z = 0;
    for (let i = 0; i < hashes.length; i++) z += this.#weights[hashes[i]!]!;
    return sigmoid(z);
  }

  /** The probability for features whose weights were summed as they came (FeatureSet). */
  scoreOf(features: FeatureSet): number {
    return features.sum === undefined ? this.score(features.hashes) : sigmoid(features.sum);
  }

  /** The weights, for feature sets that sum them as they come. */
  get weights(): Float32Array {
    return this.#weights;
  }

  /** The weight of each feature (for `scan --explain`). */
  weight(hash: number): number {
    return this.#weights[hash]!;
  }

  static fromFile(file: ModelFile): Model {
    if (file.format !== 'dpa-guard.model/1' || file.buckets !== BUCKETS)
      throw new Error('data/model.json is not a model this version reads; run npm run train');
    const indices = new Uint32Array(toArrayBuffer(file.indices));
    const values = new Int16Array(toArrayBuffer(file.values));
    const weights = new Float32Array(BUCKETS);
    for (let i = 0; i < indices.length; i++) weights[indices[i]!] = values[i]! * file.scale;
    return new Model(weights);
  }

  /** The weights as a data file, keeping only those that matter at this precision. */
  static toFile(weights: Float32Array, provenance: Record<string, unknown>): ModelFile {
    let max = 0;
    for (const w of weights) max = Math.max(max, Math.abs(w));
    const scale = max === 0 ? 1 : max / 32767;
    const indices: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < weights.length; i++) {
      const q = Math.round(weights[i]! / scale);
      if (q !== 0) {
        indices.push(i);
        values.push(q);
      }
    }
    return {
      format: 'dpa-guard.model/1',
      buckets: weights.length,
      scale,
      indices: Buffer.from(new Uint32Array(indices).buffer).toString('base64'),
      values: Buffer.from(new Int16Array(values).buffer).toString('base64'),
      provenance,
    };
  }
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function toArrayBuffer(base64: string): ArrayBuffer {
  const bytes = Buffer.from(base64, 'base64');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

let shipped: Model | undefined | null;

/** The shipped model, or undefined before one was trained (rules decide alone then). */
export function shippedModel(): Model | undefined {
  if (shipped === undefined) {
    try {
      shipped = Model.fromFile(readDataFile<ModelFile>('model.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      shipped = null;
    }
  }
  return shipped ?? undefined;
}

/**
 * For the evaluation tools (`eval --model`, cross-validation): judge with the model in
 * `path` instead of the shipped one. Call it before anything is inspected.
 */
export function useModelFile(path: string): void {
  shipped = Model.fromFile(JSON.parse(readFileSync(path, 'utf8')) as ModelFile);
}
