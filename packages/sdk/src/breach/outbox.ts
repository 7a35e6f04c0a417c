import type { BreachSignal } from './signal.js';

/** Where one signal stands with one hook. */
export interface DeliveryState {
  status: 'pending' | 'delivered' | 'disabled';
  attempts: number;
  lastAttemptAt?: string;
  /** Why the last attempt failed: an HTTP status or a network error, never a payload. */
  lastError?: string;
  /** Not before this time (backoff, Retry-After). */
  nextAttemptAt?: string;
  deliveredAt?: string;
}

export interface OutboxEntry {
  signal: BreachSignal;
  /** By hook name. A hook with no state yet is pending. */
  deliveries: Record<string, DeliveryState>;
  /** Set when the deadline clock escalated the signal. */
  escalatedAt?: string;
}

/**
 * The state of a signal with one hook, if any: an own property only, so that a hook named
 * like a property every object has ("constructor") reads as pending, not as `Object`.
 */
export function deliveryOf(entry: OutboxEntry, hook: string): DeliveryState | undefined {
  return Object.hasOwn(entry.deliveries, hook) ? entry.deliveries[hook] : undefined;
}

/**
 * Durable storage of breach signals until they are delivered: the embedded default is a
 * local journal ({@link FileOutbox}); a platform running many instances plugs in a
 * shared store (the PostgreSQL one) with the same contract:
 *
 * - `add` resolves only once the signal would survive a crash of this process;
 * - every method may be called again after a restart and sees what was stored before;
 * - ids are the signals' own; adding an id twice keeps the first.
 */
export interface BreachOutbox {
  /**
   * Stores a new signal. `transaction` is a store-specific handle (a `pg` client inside
   * the caller's transaction): the signal then exists only if that transaction commits.
   */
  add(signal: BreachSignal, transaction?: unknown): Promise<void>;
  /** Records the state of one delivery (after an attempt, or on a retry by a person). */
  setDelivery(id: string, hook: string, state: DeliveryState): Promise<void>;
  /** Records that the deadline clock escalated a signal. */
  setEscalated(id: string, at: string): Promise<void>;
  /** Every signal kept (open ones and those delivered since the last compaction). */
  entries(): Promise<OutboxEntry[]>;
  /** Drops delivered signals and their history. */
  compact(isDone: (entry: OutboxEntry) => boolean): Promise<void>;
  close(): Promise<void>;
  /**
   * For stores shared by many instances: leases up to `limit` open signals to this
   * instance, so no other delivers them at the same time; a lease lapses when its instance
   * dies. Without it, every open signal is this instance's.
   */
  claim?(limit: number): Promise<OutboxEntry[]>;
  /** Gives leased signals back after a delivery pass. */
  release?(ids: readonly string[]): Promise<void>;
  /** Marks a signal delivered everywhere it must go, so claims skip it. */
  markDone?(id: string): Promise<void>;
  /** Whether this instance runs the deadline clock now (exactly one instance does). */
  isLeader?(): Promise<boolean>;
  /** Records found on open that could not be read (a damaged journal), for the log. */
  readonly discarded?: number;
}
