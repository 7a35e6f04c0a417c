import { decodePointer } from '../policy/source-map.js';

/**
 * A compiled JSON Pointer pattern from the policy: "*" matches one segment, "**" any
 * number (also none). Array indexes are segments like any other ("/chat/* /msg").
 */
export type PointerPattern = (segments: readonly (string | number)[]) => boolean;

export function compilePointerPattern(pattern: string): PointerPattern {
  const parts = decodePointer(pattern);
  const match = (segments: readonly (string | number)[], i: number, j: number): boolean => {
    if (j === parts.length) return i === segments.length;
    const part = parts[j];
    if (part === '**') {
      for (let k = i; k <= segments.length; k++) if (match(segments, k, j + 1)) return true;
      return false;
    }
    if (i === segments.length) return false;
    return (part === '*' || part === String(segments[i])) && match(segments, i + 1, j + 1);
  };
  return (segments) => match(segments, 0, 0);
}

/**
 * A compiled route pattern, "METHOD /path": "*" as method matches every method; in the
 * path, ":name" and "*" match one segment and a trailing "/**" any rest. Letter case does
 * not count, as Express routes by default: "/USERS/1" reaches the "/users/:id" handler,
 * so a check on that route must see it too.
 */
export type RoutePattern = (route: string) => boolean;

export function compileRoutePattern(pattern: string): RoutePattern {
  const [method = '*', path = '/'] = pattern.split(' ');
  const expected = path
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '');
  return (route) => {
    const [actualMethod = '', actualPath = ''] = route.split(' ');
    if (method !== '*' && method !== actualMethod.toUpperCase()) return false;
    const actual = actualPath
      .split('?')[0]!
      .split('/')
      .filter((s) => s !== '');
    for (let i = 0; i < expected.length; i++) {
      const part = expected[i]!;
      if (part === '**') return true;
      if (i >= actual.length) return false;
      if (part !== '*' && !part.startsWith(':') && part !== actual[i]!.toLowerCase()) return false;
    }
    return expected.length === actual.length;
  };
}
