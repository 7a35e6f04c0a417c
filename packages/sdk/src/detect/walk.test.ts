import { describe, expect, it } from 'vitest';
import { Walk } from './walk.js';

const limits = { maxBodyBytes: 1_000_000, maxDepth: 64, maxNodes: 100_000 };

function strings(value: unknown, l = limits) {
  const walk = new Walk();
  const seen: [string, string, boolean][] = [];
  walk.run(value, l, {
    string: (s, v, isKey) => seen.push([s, walk.pointer(v.node), isKey]),
    scalar: () => undefined,
  });
  return { seen, incomplete: walk.incomplete };
}

describe('Walk', () => {
  it('visits keys, then their values, in document order with RFC 6901 pointers', () => {
    const { seen } = strings({ a: ['x', { 'b/c': 'y', 'd~e': 'z' }] });
    expect(seen).toEqual([
      ['a', '/a', true],
      ['x', '/a/0', false],
      ['b/c', '/a/1/b~1c', true],
      ['d~e', '/a/1/d~0e', true],
      ['y', '/a/1/b~1c', false],
      ['z', '/a/1/d~0e', false],
    ]);
  });

  it('treats __proto__ and constructor as plain keys', () => {
    const value = JSON.parse('{"__proto__": {"x": "p"}, "constructor": "c"}') as unknown;
    const { seen } = strings(value);
    expect(seen.map(([s, p]) => `${p}=${s}`)).toContain('/__proto__/x=p');
    expect(seen.map(([s, p]) => `${p}=${s}`)).toContain('/constructor=c');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('walks 100 000 levels of nesting without recursion, stopping at the depth limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(strings(deep).incomplete).toBe('max-depth');
    expect(
      strings(deep, { ...limits, maxDepth: 200_000, maxNodes: 1_000_000 }).incomplete,
    ).toBeUndefined();
  });

  it('stops at the node and byte limits', () => {
    expect(
      strings(
        Array.from({ length: 100 }, () => 'x'),
        { ...limits, maxNodes: 50 },
      ).incomplete,
    ).toBe('max-nodes');
    expect(strings({ a: 'x'.repeat(2000) }, { ...limits, maxBodyBytes: 1000 }).incomplete).toBe(
      'max-body-bytes',
    );
  });
});
