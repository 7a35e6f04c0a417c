import { InMemoryBreachSink, type BreachReport, type BreachSink } from './breach/report.js';
import { decide, type Decision } from './detect/decide.js';
import { DetectionEngine } from './detect/engine.js';
import { DpaGuardError } from './errors.js';
import type { LoadedPolicy, PolicySource } from './policy/load.js';
import { PolicyRuntime, type ReloadResult } from './policy/runtime.js';
import type { Purpose } from './policy/types.js';

/** Options of {@link createGuard}; every one is optional. */
export interface GuardOptions {
  /**
   * Policy layers over the built-in defaults, in order: platform policy files, then
   * tenant agreement files (paths, or documents given in code). Default: none, so the
   * built-in policy applies, which already enforces the agreement.
   */
  policy?: PolicySource | readonly PolicySource[];
  /** Reload the policy when one of its files changes. Default: `false`. */
  watchPolicy?: boolean;
  /** The clock, for tests and replays. Default: `() => new Date()`. */
  clock?: () => Date;
  /**
   * Where possible breaches are reported (a leak in a response, a blocked transfer).
   * Default: an {@link InMemoryBreachSink}.
   */
  breachSink?: BreachSink;
}

/** What an inspection is about: whose data, why, and where it is written. */
export interface InspectContext {
  /** The tenant (controller) on whose behalf the data is processed (clause 2.1). */
  tenant?: string | undefined;
  /** The purpose of the processing (clause 4.1). */
  purpose?: Purpose | undefined;
  /** The route written to, as "METHOD /path", for route-scoped exceptions. */
  route?: string | undefined;
}

/** A running guard: the policy in force and what it decides. */
export interface Guard {
  /**
   * Inspects a parsed JSON value (a request body, a string) for BSNs and special-category
   * data and decides under the policy in force, for the tenant in `context`. Never throws;
   * past a limit of the policy the decision is `uninspectable` (blocked under enforce).
   *
   * @example
   * ```ts
   * const decision = guard.inspect({ remark: 'BSN 111222333' }, { tenant: 'acme', route: 'POST /enrollments' });
   * if (decision.blocked) console.log(decision.findings); // [{ category: 'bsn', path: '/remark', … }]
   * ```
   */
  inspect(value: unknown, context?: InspectContext): Decision;
  /** The policy in force now. */
  readonly policy: LoadedPolicy;
  /** Where breach reports go. */
  readonly breachSink: BreachSink;
  /** Reports a possible breach to the sink; never throws (a failing sink is not the caller's problem). */
  reportBreach(report: BreachReport): Promise<void>;
  /** Re-reads the policy files; an invalid policy is rejected and the running one stays. */
  reloadPolicy(): ReloadResult;
  /** Calls `listener` after every reload; returns a function that stops listening. */
  onPolicyReload(listener: (result: ReloadResult) => void): () => void;
  /** Stops watching files; the guard keeps its last policy. */
  close(): void;
}

/**
 * Creates a guard. Options are validated once, here; a bad option or an invalid policy
 * throws a {@link DpaGuardError} with a code, never later on the request path.
 *
 * @example
 * ```ts
 * import { createGuard } from '@dpa-guard/sdk';
 * const guard = createGuard({ policy: ['dpa-policy.json', 'tenants/acme.json'] });
 * console.log(guard.policy.version);
 * ```
 */
export function createGuard(options: GuardOptions = {}): Guard {
  const settings = checkOptions(options);
  const runtime = new PolicyRuntime(settings.policy, settings.clock);
  const stopWatching = settings.watchPolicy ? runtime.watch() : () => undefined;
  const engines = new WeakMap<object, DetectionEngine>();
  const engineFor = (loaded: LoadedPolicy): DetectionEngine => {
    let engine = engines.get(loaded);
    if (engine === undefined) {
      engine = new DetectionEngine(loaded.policy.detection);
      engines.set(loaded, engine);
    }
    return engine;
  };
  return Object.freeze({
    inspect(value: unknown, context: InspectContext = {}): Decision {
      const loaded = runtime.current;
      const detection = engineFor(loaded).detect(value);
      // The platform's own view has no tenant id; tenant ids are never empty.
      const { policy } = loaded.forTenant(context.tenant ?? '');
      return decide(detection, policy, {
        tenant: context.tenant,
        purpose: context.purpose,
        route: context.route,
        today: settings.clock().toISOString().slice(0, 10),
      });
    },
    get policy() {
      return runtime.current;
    },
    breachSink: settings.breachSink,
    async reportBreach(report: BreachReport): Promise<void> {
      try {
        await settings.breachSink.report(report);
      } catch {
        // The sink owns its failures (the durable outbox retries); a report never throws.
      }
    },
    reloadPolicy: () => runtime.reload(),
    onPolicyReload: (listener: (result: ReloadResult) => void) => runtime.onReload(listener),
    close: stopWatching,
  });
}

interface CheckedOptions {
  breachSink: BreachSink;
  policy: readonly PolicySource[];
  watchPolicy: boolean;
  clock: () => Date;
}

function checkOptions(options: GuardOptions): CheckedOptions {
  if (options === null || typeof options !== 'object') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'createGuard(options): options must be an object, or left out.',
    );
  }
  const given: unknown = options.policy;
  const policy: unknown[] = given === undefined ? [] : Array.isArray(given) ? given : [given];
  for (const source of policy) {
    const ok =
      (typeof source === 'string' && source.length > 0) ||
      (source !== null &&
        typeof source === 'object' &&
        typeof (source as { name?: unknown }).name === 'string' &&
        typeof (source as { document?: unknown }).document === 'object');
    if (!ok) {
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        'createGuard({ policy }): each policy source must be a file path or { name, document }; got ' +
          typeof source +
          '.',
      );
    }
  }
  if (options.watchPolicy !== undefined && typeof options.watchPolicy !== 'boolean') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'createGuard({ watchPolicy }): must be true or false.',
    );
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'createGuard({ clock }): must be a function that returns a Date.',
    );
  }
  if (options.breachSink !== undefined && typeof options.breachSink?.report !== 'function') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'createGuard({ breachSink }): must have a report(report) method.',
    );
  }
  return Object.freeze({
    breachSink: options.breachSink ?? new InMemoryBreachSink(),
    policy: policy as PolicySource[],
    watchPolicy: options.watchPolicy ?? false,
    clock: options.clock ?? (() => new Date()),
  });
}
