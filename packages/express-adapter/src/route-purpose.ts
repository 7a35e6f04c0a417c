import { PURPOSES, type Purpose } from '@dpa-guard/sdk';
import type { Request } from 'express';

/** The mark a purpose middleware carries, so the guard can find a route's purpose. */
export const PURPOSE_MARK = Symbol.for('dpa-guard.purpose');

type Marked = { [PURPOSE_MARK]?: Purpose };

// The shapes of Express 5's router (the `router` package, 2.x) that the lookup reads.
interface LayerLike {
  match(path: string): false | { path: string; pattern?: unknown };
  route?: { path: unknown; stack: LayerLike[]; _handlesMethod(method: string): boolean };
  handle: (Marked & { stack?: unknown }) | undefined;
  method?: string;
}

/** What the router will run for a request: a route (with or without a purpose), or nothing. */
export type RouteLookup =
  | {
      found: true;
      purpose: Purpose | undefined;
      /** the route as declared, e.g. "/users/:id" */ pattern: string;
    }
  | { found: false };

/**
 * Finds the purpose the router will give a request before routing happens: the guard
 * runs as application middleware, ahead of the route, yet strict mode (clause 4.1) must
 * refuse a write to a route that declares no purpose. It reads the router's layers the
 * way the router matches them; a purpose on a prefix (`app.use('/support', purpose(…))`)
 * applies to the routes after it.
 */
export function lookupRoutePurpose(req: Request): RouteLookup {
  const router = (req.app as unknown as { router?: { stack?: LayerLike[] } }).router;
  if (router?.stack === undefined) return { found: false };
  return lookup(router.stack, req.method, req.path, undefined, '');
}

function lookup(
  stack: readonly LayerLike[],
  method: string,
  path: string,
  inherited: Purpose | undefined,
  prefix: string,
): RouteLookup {
  let prefixPurpose = inherited;
  for (const layer of stack) {
    let matched: false | { path: string; pattern?: unknown };
    try {
      matched = layer.match(path);
    } catch {
      continue; // a malformed path (bad percent-encoding) matches nothing, as in the router
    }
    if (matched === false) continue;
    if (layer.route !== undefined) {
      if (!layer.route._handlesMethod(method)) continue;
      const own = layer.route.stack.find(
        (l) =>
          (l.method === undefined || l.method === method.toLowerCase()) &&
          purposeOf(l.handle) !== undefined,
      );
      return {
        found: true,
        purpose: purposeOf(own?.handle) ?? prefixPurpose,
        pattern: `${prefix}${declaredPath(matched.pattern)}`,
      };
    }
    const marked = purposeOf(layer.handle);
    if (marked !== undefined) {
      prefixPurpose = marked;
      continue;
    }
    const nested = layer.handle?.stack;
    if (Array.isArray(nested)) {
      const rest = path.slice(matched.path.length) || '/';
      const result = lookup(
        nested as LayerLike[],
        method,
        rest.startsWith('/') ? rest : `/${rest}`,
        prefixPurpose,
        // A router mounted without a path matches every path with an empty one.
        `${prefix}${matched.path === '' ? '' : declaredPath(matched.pattern)}`,
      );
      if (result.found) return result;
    }
  }
  return { found: false };
}

/**
 * The path as the app declared it ("/people/:id", or a RegExp's source), never the path
 * it matched: that holds the ids a request carries, and a BSN can be one.
 */
function declaredPath(pattern: unknown): string {
  if (typeof pattern === 'string') return pattern;
  return pattern instanceof RegExp ? String(pattern) : '(pattern)';
}

function purposeOf(handle: Marked | undefined): Purpose | undefined {
  const purpose = handle?.[PURPOSE_MARK];
  return purpose !== undefined && (PURPOSES as readonly string[]).includes(purpose)
    ? purpose
    : undefined;
}
