import {
  DpaGuardError,
  PURPOSES,
  type Decision,
  type Guard,
  type PolicySource,
  type Purpose,
} from '@dpa-guard/sdk';
import type { Request } from 'express';
import type { Logger } from 'pino';

/** Options of {@link dpaGuard}; every one is optional. */
export interface DpaGuardOptions {
  /** The SDK guard to decide with. Default: `createGuard({ policy })`. */
  guard?: Guard;
  /** Policy files for the default guard (ignored when `guard` is given). Default: built-in policy. */
  policy?: PolicySource | readonly PolicySource[];
  /** The methods whose bodies are inspected. Default: `['POST', 'PUT', 'PATCH']`. */
  methods?: readonly string[];
  /** Resolves the tenant (controller) of a request. Default: none. */
  tenant?: (req: Request) => string | undefined;
  /** Refuse writes for which `tenant` resolves none (clause 2.1). Default: `false`. */
  requireTenant?: boolean;
  /**
   * Purposes by route pattern ("POST /enrollments", "* /support/**"), as an alternative to
   * the `purpose()` route middleware. Checked against the policy at start-up.
   */
  purposes?: Readonly<Record<string, Purpose>>;
  /** Refuse writes on routes without a purpose (clause 4.1). Default: the policy's `strict`. */
  strict?: boolean;
  /** Where to write one line per decision (pino). Default: a pino logger on stdout; `false` for none. */
  logger?: Logger | false;
  /**
   * Route patterns whose JSON responses are inspected too (egress check); what leaves
   * with a BSN or special category is reported to the guard's breach sink. Default: none.
   */
  responses?: readonly string[];
  /** Called with every decision (for records of processing). */
  onDecision?: (decision: Decision, req: Request) => void;
}

const ROUTE = /^(\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$/;

/** Validates options once at construction, with errors that say how to fix the call. */
export function checkOptions(options: DpaGuardOptions, guard: Guard): void {
  const fail = (message: string): never => {
    throw new DpaGuardError('DPA_ERR_INVALID_OPTIONS', `dpaGuard(${message}`);
  };
  if (
    options.methods !== undefined &&
    (!Array.isArray(options.methods) || options.methods.some((m) => typeof m !== 'string'))
  ) {
    fail('{ methods }): must be a list of HTTP methods, such as ["POST", "PUT", "PATCH"].');
  }
  if (options.tenant !== undefined && typeof options.tenant !== 'function') {
    fail('{ tenant }): must be a function (req) => tenant id or undefined.');
  }
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') {
    fail('{ onDecision }): must be a function (decision, req) => void.');
  }
  const allowed = Object.keys(guard.policy.policy.purposes);
  for (const [route, purpose] of Object.entries(options.purposes ?? {})) {
    if (!ROUTE.test(route))
      fail(
        `{ purposes }): "${route}" is not a route; write "METHOD /path", such as "POST /enrollments".`,
      );
    assertPurposeAllowed(purpose, allowed, `dpaGuard({ purposes }) for "${route}"`);
  }
  for (const route of options.responses ?? []) {
    if (!ROUTE.test(route))
      fail(
        `{ responses }): "${route}" is not a route; write "METHOD /path", such as "GET /users/:id".`,
      );
  }
}

/** A purpose must be one of clause 4.1's and allowed by the policy: checked at start-up. */
export function assertPurposeAllowed(
  purpose: string,
  allowed: readonly string[],
  where: string,
): asserts purpose is Purpose {
  if (!(PURPOSES as readonly string[]).includes(purpose)) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `${where}: "${purpose}" is not a purpose; use one of ${PURPOSES.join(', ')} (clause 4.1).`,
    );
  }
  if (!allowed.includes(purpose)) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `${where}: the policy does not allow the purpose "${purpose}" (allowed: ${allowed.join(', ')}); add it to the policy's "purposes" or use another.`,
    );
  }
}
