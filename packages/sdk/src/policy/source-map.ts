import { parseTree, type Node } from 'jsonc-parser';

/**
 * Finds the line and column of a JSON Pointer in the text it was parsed from, so schema
 * problems point at the place to edit. Built lazily: only files with problems need it.
 */
export class SourceMap {
  readonly #text: string;
  #tree: Node | undefined;
  #lineStarts: number[] | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  /**
   * Position of the value at `pointer`, or of its nearest existing ancestor. With `atKey`,
   * the position of the property's key instead of its value (for unknown properties).
   */
  locate(pointer: string, atKey = false): { line: number; column: number } {
    this.#tree ??= parseTree(this.#text, undefined, { allowTrailingComma: false });
    let node = this.#tree;
    let keyNode: Node | undefined;
    for (const segment of decodePointer(pointer)) {
      const next = child(node, segment);
      if (next === undefined) break;
      keyNode = next.key;
      node = next.value;
    }
    const offset = atKey && keyNode !== undefined ? keyNode.offset : (node?.offset ?? 0);
    return this.position(offset);
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    this.#lineStarts ??= lineStarts(this.#text);
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function child(
  node: Node | undefined,
  segment: string,
): { key: Node | undefined; value: Node | undefined } | undefined {
  if (node?.type === 'array') {
    const index = Number(segment);
    const value = Number.isInteger(index) ? node.children?.[index] : undefined;
    return value === undefined ? undefined : { key: undefined, value };
  }
  if (node?.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key?.value === segment) return { key, value };
    }
  }
  return undefined;
}

/** Splits an RFC 6901 JSON Pointer into unescaped segments. */
export function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Escapes one segment for an RFC 6901 JSON Pointer. */
export function encodeSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}
