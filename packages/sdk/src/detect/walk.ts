import { encodeSegment } from '../policy/source-map.js';
import type { Limits } from '../policy/types.js';

/** Why a value could not be inspected completely. */
export type IncompleteReason = 'max-depth' | 'max-nodes' | 'max-body-bytes';

/** One key or scalar value met by the walk; `node` identifies it for {@link Walk.pointer}. */
export interface Visit {
  node: number;
  /** The field name the value sits under (for array items, the array's field name). */
  ownKey: string | undefined;
}

export interface WalkCallbacks {
  /** A string value, or (`isKey`) an object key. */
  string(value: string, visit: Visit, isKey: boolean): void;
  scalar(value: number | boolean, visit: Visit): void;
  /** An object member or array item is entered; return false to skip it and what it holds. */
  enter?(visit: Visit, parentNode: number): boolean;
}

/**
 * Walks a JSON value without recursion (a deeply nested body cannot overflow the stack),
 * counting nodes, depth and string bytes against the policy's limits. Paths are kept as
 * parent links and turned into RFC 6901 pointers only for findings. Keys are visited as
 * well as values; `__proto__` and `constructor` are plain own keys here, read with
 * Object.keys and never through the prototype chain.
 */
export class Walk {
  readonly #parents: number[] = [];
  readonly #segments: (string | number)[] = [];
  incomplete: IncompleteReason | undefined;

  run(root: unknown, limits: Limits, callbacks: WalkCallbacks): void {
    const stackValues: unknown[] = [root];
    const stackNodes: number[] = [this.#add(-1, '')];
    const stackDepths: number[] = [0];
    const stackKeys: (string | undefined)[] = [undefined];
    let nodes = 0;
    let bytes = 0;
    while (stackValues.length > 0) {
      const value = stackValues.pop();
      const node = stackNodes.pop()!;
      const depth = stackDepths.pop()!;
      const ownKey = stackKeys.pop();
      if (++nodes > limits.maxNodes) {
        this.incomplete = 'max-nodes';
        return;
      }
      if (typeof value === 'string') {
        bytes += value.length;
        if (bytes > limits.maxBodyBytes) {
          this.incomplete = 'max-body-bytes';
          return;
        }
        callbacks.string(value, { node, ownKey }, false);
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        callbacks.scalar(value, { node, ownKey });
      } else if (value !== null && typeof value === 'object') {
        if (depth >= limits.maxDepth) {
          this.incomplete = 'max-depth';
          return;
        }
        if (Array.isArray(value)) {
          // Pushed in reverse so items are visited in order.
          for (let i = value.length - 1; i >= 0; i--) {
            const child = this.#add(node, i);
            if (callbacks.enter !== undefined && !callbacks.enter({ node: child, ownKey }, node))
              continue;
            stackValues.push(value[i]);
            stackNodes.push(child);
            stackDepths.push(depth + 1);
            stackKeys.push(ownKey);
          }
        } else {
          // Keys are visited in document order; their values are pushed in reverse so they
          // come off the stack in document order too.
          const keys = Object.keys(value);
          const accepted: number[] = [];
          for (let i = 0; i < keys.length; i++) {
            const key = keys[i]!;
            const child = this.#add(node, key);
            const visit = { node: child, ownKey: key };
            if (callbacks.enter !== undefined && !callbacks.enter(visit, node)) continue;
            bytes += key.length;
            callbacks.string(key, visit, true);
            accepted.push(i, child);
          }
          for (let j = accepted.length - 2; j >= 0; j -= 2) {
            const key = keys[accepted[j]!]!;
            stackValues.push((value as Record<string, unknown>)[key]);
            stackNodes.push(accepted[j + 1]!);
            stackDepths.push(depth + 1);
            stackKeys.push(key);
          }
        }
      }
    }
  }

  #add(parent: number, segment: string | number): number {
    this.#parents.push(parent);
    this.#segments.push(segment);
    return this.#parents.length - 1;
  }

  /** The path segments from the root to `node`. */
  segments(node: number): (string | number)[] {
    const out: (string | number)[] = [];
    for (let n = node; n > 0; n = this.#parents[n]!) out.push(this.#segments[n]!);
    return out.reverse();
  }

  /** The last segment of `node`'s path: its key, or its index in an array. */
  segment(node: number): string | number | undefined {
    return this.#segments[node];
  }

  /** The parent of `node` (-1 for the root). */
  parent(node: number): number {
    return this.#parents[node] ?? -1;
  }

  /**
   * The RFC 6901 JSON Pointer of `node` ("" for the root). Keys in `masked` (keys that
   * themselves held a finding, such as a BSN used as a key) are written as "*", so a
   * pointer never carries a detected value.
   */
  pointer(node: number, masked?: ReadonlySet<number>): string {
    const nodes: number[] = [];
    for (let n = node; n > 0; n = this.#parents[n]!) nodes.push(n);
    let out = '';
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]!;
      out += masked?.has(n) === true ? '/*' : `/${encodeSegment(this.#segments[n]!)}`;
    }
    return out;
  }
}
