import { DEFAULTS_SOURCE, type Provenance } from './layer.js';
import { encodeSegment } from './source-map.js';

/** One effective setting and the layer that set it. */
export interface ExplainedSetting {
  pointer: string;
  value: unknown;
  source: string;
}

/**
 * Lists every effective setting of a layered policy with the layer that set it (clause
 * 1.2), in document order. Lists are one setting each, as layering treats them.
 */
export function explainPolicy(policy: object, provenance: Provenance): ExplainedSetting[] {
  const out: ExplainedSetting[] = [];
  const visit = (value: unknown, pointer: string): void => {
    const own = provenance.get(pointer);
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [key, child] of Object.entries(value))
        visit(child, `${pointer}/${encodeSegment(key)}`);
      return;
    }
    if (
      Array.isArray(value) &&
      own === undefined &&
      value.some((v) => v !== null && typeof v === 'object')
    ) {
      // A list whose items have their own sources (tenant exceptions): one entry per item.
      value.forEach((item, i) => visit(item, `${pointer}/${i}`));
      if (value.length === 0) out.push({ pointer, value, source: sourceOf(pointer, provenance) });
      return;
    }
    out.push({ pointer, value, source: own ?? sourceOf(pointer, provenance) });
  };
  visit(policy, '');
  return out;
}

function sourceOf(pointer: string, provenance: Provenance): string {
  for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
    const source = provenance.get(p);
    if (source !== undefined) return source;
  }
  return DEFAULTS_SOURCE;
}

/** A two-column text rendering for people: pointer = value, then the source on the right. */
export function formatExplanation(settings: readonly ExplainedSetting[]): string {
  const rows = settings.map(
    (s) => [`${s.pointer} = ${JSON.stringify(s.value)}`, s.source] as const,
  );
  const width = Math.min(90, Math.max(...rows.map(([left]) => left.length)));
  return rows.map(([left, source]) => `${left.padEnd(width)}  ← ${source}`).join('\n');
}
