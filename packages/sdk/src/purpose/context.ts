import { AsyncLocalStorage } from 'node:async_hooks';
import type { Purpose } from '../policy/types.js';

/**
 * The processing in progress: on whose behalf (the tenant, clause 2.1) and why (the
 * purpose, clause 4.1). Held in AsyncLocalStorage so code deep in a request, and the
 * outbound-transfer checks, can read it without passing it along.
 */
export interface Processing {
  tenant: string | undefined;
  purpose: Purpose | undefined;
  /** "METHOD /path" of the request being served, when there is one. */
  route: string | undefined;
}

const storage = new AsyncLocalStorage<Processing>();

/** The processing in progress, or undefined outside any. */
export function currentProcessing(): Readonly<Processing> | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` as one processing. The object is shared with everything `fn` starts, so a
 * purpose set later in the request (by route middleware) is seen by all of it.
 *
 * @example
 * ```ts
 * runProcessing({ tenant: 'acme', purpose: 'support', route: undefined }, () => exportTickets());
 * ```
 */
export function runProcessing<T>(processing: Processing, fn: () => T): T {
  return storage.run(processing, fn);
}

/** Sets the purpose of the processing in progress; false when there is none. */
export function setCurrentPurpose(purpose: Purpose): boolean {
  const store = storage.getStore();
  if (store === undefined) return false;
  store.purpose = purpose;
  return true;
}

/**
 * Runs `fn` outside any processing: for dpa-guard's own background work (breach
 * delivery), which must not inherit the request that happened to start it.
 */
export function runOutsideProcessing<T>(fn: () => T): T {
  return storage.exit(fn);
}
