import { DpaGuardError } from './errors.js';
import type { LoadedPolicy, PolicySource } from './policy/load.js';
import { PolicyRuntime, type ReloadResult } from './policy/runtime.js';

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
}

/** A running guard: the policy in force and what it decides. */
export interface Guard {
  /** The policy in force now. */
  readonly policy: LoadedPolicy;
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
  return Object.freeze({
    get policy() {
      return runtime.current;
    },
    reloadPolicy: () => runtime.reload(),
    onPolicyReload: (listener: (result: ReloadResult) => void) => runtime.onReload(listener),
    close: stopWatching,
  });
}

interface CheckedOptions {
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
  return Object.freeze({
    policy: policy as PolicySource[],
    watchPolicy: options.watchPolicy ?? false,
    clock: options.clock ?? (() => new Date()),
  });
}
