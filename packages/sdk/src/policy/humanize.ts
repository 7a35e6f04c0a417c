import type { ErrorObject } from 'ajv';

/** Where a schema error points and what it says, in words a security officer reads. */
export interface HumanError {
  pointer: string;
  /** True when the pointer names a key that is itself wrong (point at the key). */
  atKey: boolean;
  message: string;
}

/**
 * Turns ajv's errors into one sentence per mistake. Errors that only repeat another
 * (the `if`/`then` wrapper, the umbrella of an `errorMessage`) are dropped.
 */
export function humanizeErrors(errors: readonly ErrorObject[], value: unknown): HumanError[] {
  const out: HumanError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const human = humanize(error, value);
    if (human === undefined) continue;
    const key = `${human.pointer}\u0000${human.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(human);
  }
  return out;
}

function humanize(error: ErrorObject, value: unknown): HumanError | undefined {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'errorMessage': {
      // A custom message about a property name (a tenant id, say) points at that name.
      const wrapped = (params.errors as ErrorObject[] | undefined)?.[0];
      const name = wrapped?.propertyName;
      if (name !== undefined) {
        return {
          pointer: `${pointer}/${escape(name)}`,
          atKey: true,
          message: `the name "${name}" ${error.message ?? 'is not valid'}`,
        };
      }
      return { pointer, atKey: false, message: error.message ?? 'is not valid' };
    }
    case 'required':
      return {
        pointer,
        atKey: false,
        message: `is missing the required setting "${String(params.missingProperty)}"`,
      };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = knownProperties(error);
      const suggestion = closest(name, known);
      return {
        pointer: `${pointer}/${escape(name)}`,
        atKey: true,
        message:
          `"${name}" is not a setting here` +
          (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`) +
          (known.length > 0 && suggestion === undefined
            ? ` Known settings: ${known.join(', ')}.`
            : ''),
      };
    }
    case 'propertyNames':
      return undefined; // the nested error about the name itself says it better
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const actual = valueAt(value, pointer, error);
      const suggestion =
        typeof actual === 'string'
          ? closest(actual, (params.allowedValues as unknown[]).map(String))
          : undefined;
      const target =
        error.propertyName !== undefined ? `the name "${error.propertyName}"` : 'the value';
      return {
        pointer:
          error.propertyName !== undefined ? `${pointer}/${escape(error.propertyName)}` : pointer,
        atKey: error.propertyName !== undefined,
        message:
          `${target} must be one of ${allowed.join(', ')}` +
          (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`),
      };
    }
    case 'type':
      return { pointer, atKey: false, message: `must be ${article(String(params.type))}` };
    case 'const':
      return { pointer, atKey: false, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = {
        minimum: 'at least',
        maximum: 'at most',
        exclusiveMinimum: 'more than',
        exclusiveMaximum: 'less than',
      }[error.keyword];
      return { pointer, atKey: false, message: `must be ${words} ${String(params.limit)}` };
    }
    case 'minLength':
      return {
        pointer,
        atKey: false,
        message: `must be at least ${String(params.limit)} characters long`,
      };
    case 'maxLength':
      return {
        pointer,
        atKey: false,
        message: `must be at most ${String(params.limit)} characters long`,
      };
    case 'minItems':
      return {
        pointer,
        atKey: false,
        message: `must list at least ${String(params.limit)} item(s)`,
      };
    case 'maxItems':
      return { pointer, atKey: false, message: `must list at most ${String(params.limit)} items` };
    case 'uniqueItems':
      return {
        pointer: `${pointer}/${String(params.i)}`,
        atKey: false,
        message: `repeats item ${String(params.j)} of the list; list each entry once`,
      };
    case 'pattern':
      return {
        pointer:
          error.propertyName !== undefined ? `${pointer}/${escape(error.propertyName)}` : pointer,
        atKey: error.propertyName !== undefined,
        message:
          error.propertyName !== undefined
            ? `the name "${error.propertyName}" is not allowed here`
            : `does not have the expected form (${String(params.pattern)})`,
      };
    default:
      return { pointer, atKey: false, message: error.message ?? 'is not valid' };
  }
}

function knownProperties(error: ErrorObject): string[] {
  const schema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {}).filter((k) => k !== '$schema');
}

function valueAt(root: unknown, pointer: string, error: ErrorObject): unknown {
  if (error.propertyName !== undefined) return error.propertyName;
  let node = root;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment))
      return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'an object ({ … })',
    array: 'a list ([ … ])',
    string: 'a string in double quotes',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return words[type] ?? type;
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The candidate within edit distance 2 of `word` (a typo), if there is one. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
