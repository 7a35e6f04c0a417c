import { decodePointer } from '../policy/source-map.js';
import type { Category, Mode, Purpose, TenantException, TenantPolicy } from '../policy/types.js';
import type { Detection, Finding } from './engine.js';
import { compilePointerPattern, compileRoutePattern } from './patterns.js';
import type { IncompleteReason } from './walk.js';

/** The use of a tenant's written exception (clause 3.2), kept as evidence (clause 3.3). */
export interface ExceptionUse {
  category: Category;
  path: string;
  agreement: string;
  expires: string;
}

/**
 * A decision: plain data that an adapter turns into a response, a log line, a span
 * attribute and a record. Never holds a detected value.
 */
export interface Decision {
  /** Whether the write must be refused. */
  blocked: boolean;
  /**
   * `pass`: nothing to stop; `block`: stopped; `monitor`: would have been stopped, let
   * through because the policy says monitor; `uninspectable`: a limit stopped inspection
   * (blocked under enforce); `refused`: not inspected, because the processing cannot be
   * admitted (its tenant id is not one; `refusal` says why), blocked under any mode.
   */
  outcome: 'pass' | 'block' | 'monitor' | 'uninspectable' | 'refused';
  /** Why the processing was refused, when it was. */
  refusal?: 'tenant-invalid';
  /** What was found and is not covered by an exception, for the blocked categories. */
  findings: Finding[];
  /** Findings let through by a tenant's written exception. */
  exceptions: ExceptionUse[];
  /** Why inspection could not finish, when it could not. */
  incomplete?: IncompleteReason;
  mode: Mode;
  /** The version of the policy (and tenant agreement) that made this decision (clause 13). */
  policyVersion: string;
  tenant?: string;
  purpose?: Purpose;
  route?: string;
}

export interface DecisionContext {
  tenant?: string | undefined;
  purpose?: Purpose | undefined;
  /** "METHOD /path", for route-scoped exceptions. */
  route?: string | undefined;
  /** Today, as YYYY-MM-DD, for exception dates. */
  today: string;
}

interface CompiledException {
  exception: TenantException;
  covers(finding: Finding, route: string | undefined): boolean;
}

const compiledExceptions = new WeakMap<readonly TenantException[], CompiledException[]>();

function compileExceptions(exceptions: readonly TenantException[]): CompiledException[] {
  let compiled = compiledExceptions.get(exceptions);
  if (compiled === undefined) {
    compiled = exceptions.map((exception) => {
      const fields = exception.fields?.map(compilePointerPattern);
      const routes = exception.routes?.map(compileRoutePattern);
      return {
        exception,
        covers(finding, route) {
          if (finding.category !== exception.category) return false;
          if (fields !== undefined) {
            const segments = decodePointer(finding.path);
            if (!fields.some((matches) => matches(segments))) return false;
          }
          if (
            routes !== undefined &&
            (route === undefined || !routes.some((matches) => matches(route)))
          )
            return false;
          return true;
        },
      } satisfies CompiledException;
    });
    compiledExceptions.set(exceptions, compiled);
  }
  return compiled;
}

/**
 * The decision for a processing that is not admitted: nothing inspected, blocked whatever
 * the mode, and the tenant id left out (it may hold the very data the guard keeps out).
 */
export function refusedDecision(
  policy: TenantPolicy,
  context: Omit<DecisionContext, 'tenant' | 'today'>,
  refusal: NonNullable<Decision['refusal']>,
): Decision {
  const decision: Decision = {
    blocked: true,
    outcome: 'refused',
    refusal,
    findings: [],
    exceptions: [],
    mode: policy.mode,
    policyVersion: policy.version,
  };
  if (context.purpose !== undefined) decision.purpose = context.purpose;
  if (context.route !== undefined) decision.route = context.route;
  return decision;
}

/**
 * Turns what detection found into a decision under one tenant's policy: findings of
 * categories the policy does not block are dropped, findings covered by a valid, unexpired
 * exception of this tenant (for this field and route) are let through and recorded, and
 * the mode decides whether what is left blocks.
 */
export function decide(
  detection: Detection,
  policy: TenantPolicy,
  context: DecisionContext,
): Decision {
  const blockedCategories = policy.detection.block;
  const findings: Finding[] = [];
  const used: ExceptionUse[] = [];
  // Almost every write finds nothing: the tenant's exceptions are looked at only when needed.
  const exceptions =
    detection.findings.length === 0
      ? []
      : compileExceptions(policy.tenant.exceptions).filter(
          ({ exception }) =>
            exception.expires >= context.today &&
            (exception.since === undefined || exception.since <= context.today),
        );
  for (const finding of detection.findings) {
    if (!blockedCategories.includes(finding.category)) continue;
    const covering = exceptions.find((e) => e.covers(finding, context.route));
    if (covering === undefined) findings.push(finding);
    else
      used.push({
        category: finding.category,
        path: finding.path,
        agreement: covering.exception.agreement,
        expires: covering.exception.expires,
      });
  }
  const enforce = policy.mode === 'enforce';
  const stop = findings.length > 0 || detection.incomplete !== undefined;
  const outcome: Decision['outcome'] =
    detection.incomplete !== undefined
      ? 'uninspectable'
      : !stop
        ? 'pass'
        : enforce
          ? 'block'
          : 'monitor';
  const decision: Decision = {
    blocked: stop && enforce,
    outcome,
    findings,
    exceptions: used,
    mode: policy.mode,
    policyVersion: policy.version,
  };
  if (detection.incomplete !== undefined) decision.incomplete = detection.incomplete;
  if (context.tenant !== undefined) decision.tenant = context.tenant;
  if (context.purpose !== undefined) decision.purpose = context.purpose;
  if (context.route !== undefined) decision.route = context.route;
  return decision;
}
