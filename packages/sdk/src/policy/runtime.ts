import { watch, type FSWatcher } from 'node:fs';
import { DpaGuardError } from '../errors.js';
import { formatProblem, type PolicyProblem } from './problem.js';
import { loadPolicy, type LoadedPolicy, type PolicySource } from './load.js';

export type ReloadResult =
  | { ok: true; version: string; previousVersion: string }
  | { ok: false; problems: PolicyProblem[]; version: string };

/**
 * Holds the policy in force and replaces it only with one that is valid: an invalid new
 * policy is rejected with the same problems `dpa-guard policy validate` prints, and the
 * running one stays in force (failure rules in DESIGN.md).
 */
export class PolicyRuntime {
  readonly #sources: readonly PolicySource[];
  readonly #now: () => Date;
  #current: LoadedPolicy;
  #watchers: FSWatcher[] = [];
  #listeners = new Set<(result: ReloadResult) => void>();

  /** Loads the sources once; throws `DPA_ERR_POLICY_INVALID` or `…_UNREADABLE` when they fail. */
  constructor(sources: readonly PolicySource[], now: () => Date) {
    this.#sources = Object.freeze([...sources]);
    this.#now = now;
    const result = loadPolicy(this.#sources, { at: now() });
    if (!result.ok) {
      const detail = result.problems.map(formatProblem).join('\n  ');
      throw new DpaGuardError(
        result.unreadable ? 'DPA_ERR_POLICY_UNREADABLE' : 'DPA_ERR_POLICY_INVALID',
        `The dpa-guard policy cannot be used; fix these and start again (check with "dpa-guard policy validate"):\n  ${detail}`,
      );
    }
    this.#current = result.policy;
  }

  /** The policy in force now. */
  get current(): LoadedPolicy {
    return this.#current;
  }

  /** Re-reads every source; swaps the policy in only when all of it is valid. */
  reload(): ReloadResult {
    const previousVersion = this.#current.version;
    const result = loadPolicy(this.#sources, { at: this.#now() });
    const outcome: ReloadResult = result.ok
      ? { ok: true, version: result.policy.version, previousVersion }
      : { ok: false, problems: result.problems, version: previousVersion };
    if (result.ok) this.#current = result.policy;
    for (const listener of this.#listeners) listener(outcome);
    return outcome;
  }

  /** Calls `listener` after every reload, successful or not. Returns a function to stop. */
  onReload(listener: (result: ReloadResult) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reloads when a policy file changes. Editors write files in bursts (truncate, write,
   * rename), so changes are debounced; the watchers never keep the process alive.
   */
  watch(debounceMs = 150): () => void {
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.reload(), debounceMs);
      timer.unref();
    };
    for (const source of this.#sources) {
      if (typeof source !== 'string') continue;
      const watcher = watch(source, { persistent: false }, schedule);
      watcher.on('error', schedule);
      this.#watchers.push(watcher);
    }
    return () => {
      clearTimeout(timer);
      for (const watcher of this.#watchers) watcher.close();
      this.#watchers = [];
    };
  }
}
