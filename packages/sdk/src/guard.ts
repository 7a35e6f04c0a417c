import { InMemoryBreachSink, type BreachReport, type BreachSink } from './breach/report.js';
import { decide, type Decision } from './detect/decide.js';
import { DetectionEngine } from './detect/engine.js';
import { DpaGuardError } from './errors.js';
import type { LoadedPolicy, PolicySource } from './policy/load.js';
import { PolicyRuntime, type ReloadResult } from './policy/runtime.js';
import type { Purpose } from './policy/types.js';
import { currentProcessing } from './purpose/context.js';
import { TransferRegistry, type TransferDecision, type TransferRequest } from './transfer/check.js';
import { protectOutbound, type OutboundProtection } from './transfer/outbound.js';

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
  /**
   * Whether personal data may go to a subprocessor (by name) or host, for a purpose, on a
   * date (default: now): EEA, an adequacy decision in force whose condition is met, or a
   * declared SCC/BCR mechanism. Never throws for an unknown destination: it is refused.
   *
   * @example
   * ```ts
   * guard.checkTransfer({ host: 'api.mailer.eu', purpose: 'provide' });
   * // { allowed: true, basis: 'eea', reasons: ['eea'], subprocessor: 'mailer', country: 'DE', … }
   * ```
   */
  checkTransfer(request: TransferRequest): TransferDecision;
  /**
   * Checks every outbound `http`/`https` request and `fetch` made during a processing;
   * unlawful or unknown destinations are stopped before any byte is sent and reported as
   * a `blocked-transfer` breach. Opt-in; `restore()` undoes it.
   */
  protectOutbound(): OutboundProtection;
  /** Calls `listener` with every transfer the outbound guard checks; returns an unsubscribe. */
  onTransfer(listener: (decision: TransferDecision) => void): () => void;
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
  const registries = new WeakMap<object, TransferRegistry>();
  const registryFor = (loaded: LoadedPolicy): TransferRegistry => {
    let registry = registries.get(loaded);
    if (registry === undefined) {
      registry = new TransferRegistry(loaded.policy);
      registries.set(loaded, registry);
    }
    return registry;
  };
  const today = () => settings.clock().toISOString().slice(0, 10);
  const transferListeners = new Set<(decision: TransferDecision) => void>();
  const guard: Guard = Object.freeze({
    inspect(value: unknown, context: InspectContext = {}): Decision {
      const loaded = runtime.current;
      const detection = engineFor(loaded).detect(value);
      // The platform's own view has no tenant id; tenant ids are never empty.
      const { policy } = loaded.forTenant(context.tenant ?? '');
      return decide(detection, policy, {
        tenant: context.tenant,
        purpose: context.purpose,
        route: context.route,
        today: today(),
      });
    },
    checkTransfer(request: TransferRequest): TransferDecision {
      return registryFor(runtime.current).check(request, today());
    },
    protectOutbound(): OutboundProtection {
      return protectOutbound(outboundChecker);
    },
    onTransfer(listener: (decision: TransferDecision) => void) {
      transferListeners.add(listener);
      return () => transferListeners.delete(listener);
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
  const outboundChecker = {
    checkTransfer: (request: TransferRequest) => guard.checkTransfer(request),
    onTransfer(decision: TransferDecision) {
      for (const listener of transferListeners) {
        try {
          listener(decision);
        } catch {
          // A failing listener must not decide the request.
        }
      }
      if (decision.allowed) return;
      const tenant = currentProcessing()?.tenant;
      void guard.reportBreach({
        kind: 'blocked-transfer',
        tenants: tenant === undefined ? [] : [tenant],
        nature: `An outbound request to ${decision.host ?? 'an unknown host'}${decision.subprocessor === undefined ? '' : ` (${decision.subprocessor})`} was stopped before sending: ${decision.reasons.join(', ')}.`,
        categories: decision.categories ?? [],
        ...(decision.purpose === undefined ? {} : { purpose: decision.purpose }),
        policyVersion: decision.policyVersion,
      });
    },
  };
  return guard;
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
