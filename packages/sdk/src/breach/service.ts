import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BreachSettings } from '../policy/types.js';
import { runOutsideProcessing } from '../purpose/context.js';
import { identityOf } from '../storage/shared.js';
import {
  functionTarget,
  webhookTarget,
  type FunctionHook,
  type HookResult,
  type HookTarget,
} from './hooks.js';
import { deliveryOf, type BreachOutbox, type DeliveryState, type OutboxEntry } from './outbox.js';
import type { BreachReport, BreachSink } from './report.js';
import { createSignal, type BreachInput, type BreachSignal, type SignalScreen } from './signal.js';

export interface BreachServiceOptions {
  outbox: BreachOutbox;
  /** The breach settings of the policy in force (hooks, deadline, escalation margin). */
  settings: () => BreachSettings;
  /** Hooks given in code, next to the policy's webhooks. */
  functionHooks?: Readonly<Record<string, FunctionHook>>;
  clock: () => Date;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  logger?: Logger | undefined;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Where `dpa-guard breach retry` leaves requests for a running process. */
  requestsDir?: string;
  /** Compact the outbox once this many delivered signals are kept. Default 100. */
  compactAfter?: number;
  /** How signals' texts and tenants are checked. Default: the built-in policy's detection. */
  screen?: SignalScreen;
  /** Told of every signal recorded and every delivery (for the audit trail). */
  onRecorded?: (signal: BreachSignal) => void;
  onDelivered?: (signal: BreachSignal, hook: HookTarget, at: Date) => void;
}

/** A signal as `breach list` shows it. */
export interface SignalStatus {
  id: string;
  kind: BreachSignal['kind'];
  tenants: string[];
  discoveredAt: string;
  deadline: string;
  /** Milliseconds until the deadline (negative once passed). */
  timeLeftMs: number;
  state: 'open' | 'escalated' | 'delivered';
  deliveries: Record<string, DeliveryState>;
}

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 60 * 60_000;
const PARALLEL = 8;
// A shared store leases this many signals per pass: with PARALLEL attempts at a time, a
// pass lasts at most one hook timeout, well inside a lease; a full claim runs another pass.
const CLAIM_LIMIT = 8;
const FALLBACK_DELAY_MS = 5_000;

/**
 * One delivery pass at a time per outbox in a process, however many services share it
 * (two guards on one directory): two passes would deliver the same signal at once.
 */
const passes = new WeakMap<object, Promise<void>>();

/**
 * Breach signals from discovery to the controller's hook (clause 8): every signal is
 * stored durably before `signal()` resolves, delivered at least once to every primary
 * hook with exponential backoff and jitter (honouring Retry-After, stopping an endpoint
 * that answers 410), and escalated — to the escalation hooks, with a fatal log line — when
 * it is still undelivered `escalateBeforeHours` before its deadline.
 */
export class BreachService implements BreachSink {
  readonly #o: Required<
    Omit<BreachServiceOptions, 'logger' | 'requestsDir' | 'onRecorded' | 'onDelivered' | 'screen'>
  > &
    Pick<BreachServiceOptions, 'logger' | 'requestsDir' | 'onRecorded' | 'onDelivered' | 'screen'>;
  readonly #gone = new Set<string>();
  #running: Promise<void> | undefined;
  #discardedReported = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #started = false;

  constructor(options: BreachServiceOptions) {
    this.#o = {
      functionHooks: {},
      env: process.env,
      fetch: (...args) => globalThis.fetch(...args),
      random: Math.random,
      compactAfter: 100,
      ...options,
    };
  }

  /** Records a breach signal durably and starts its delivery; resolves with the signal. */
  async signal(input: BreachInput): Promise<BreachSignal> {
    const { client, ...rest } = input;
    const signal = createSignal(rest, this.#o.settings(), this.#o.clock(), this.#o.screen);
    await this.#o.outbox.add(signal, client);
    this.#o.onRecorded?.(signal);
    this.#o.logger?.warn(
      {
        dpa: {
          breach: {
            id: signal.id,
            kind: signal.kind,
            tenants: signal.tenants,
            categories: signal.categories,
            deadline: signal.deadline,
          },
        },
      },
      'dpa-guard breach signal recorded',
    );
    if (this.#started) this.#schedule(0);
    return signal;
  }

  /** The sink interface: a report from the egress check or the outbound guard. */
  async report(report: BreachReport): Promise<void> {
    await this.signal(report);
  }

  /** Delivers what is due now and escalates what must be; safe to call at any time. */
  runOnce(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    // Keyed by the outbox itself, not the handle each guard on the directory holds.
    const outbox = identityOf(this.#o.outbox);
    const previous = passes.get(outbox) ?? Promise.resolve();
    this.#running = runOutsideProcessing(async () => {
      await previous.catch(() => undefined);
      try {
        do {
          this.#again = false;
          await this.#pickUpRequests();
          await this.#pass();
        } while (this.#again);
      } finally {
        this.#running = undefined;
      }
    });
    passes.set(outbox, this.#running);
    return this.#running;
  }

  /** Starts the background delivery loop (timers are unref'd: they never keep a process up). */
  start(): void {
    this.#started = true;
    this.#schedule(0);
  }

  async close(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
    await this.#o.outbox.close();
  }

  async list(): Promise<SignalStatus[]> {
    const now = this.#o.clock().getTime();
    return (await this.#o.outbox.entries()).map((entry) => statusOf(entry, now));
  }

  /** Makes every delivery of a signal due again now (a person's retry). */
  async retry(id: string): Promise<boolean> {
    const entry = (await this.#o.outbox.entries()).find((e) => e.signal.id === id);
    if (entry === undefined) return false;
    for (const target of this.#targetsFor(entry)) {
      this.#gone.delete(target.name);
      const previous = deliveryOf(entry, target.name);
      if (previous?.status === 'delivered') continue;
      await this.#o.outbox.setDelivery(id, target.name, {
        status: 'pending',
        attempts: previous?.attempts ?? 0,
        nextAttemptAt: this.#o.clock().toISOString(),
      });
    }
    if (this.#started) this.#schedule(0);
    return true;
  }

  #targets(): HookTarget[] {
    const { hooks } = this.#o.settings();
    const web = Object.entries(hooks).map(([name, hook]) =>
      webhookTarget(name, hook, { env: this.#o.env, clock: this.#o.clock, fetch: this.#o.fetch }),
    );
    const fn = Object.entries(this.#o.functionHooks).map(([name, hook]) =>
      functionTarget(name, hook),
    );
    return [...web, ...fn];
  }

  #targetsFor(entry: OutboxEntry): HookTarget[] {
    return this.#targets().filter((t) => t.role === 'primary' || entry.escalatedAt !== undefined);
  }

  async #pass(): Promise<void> {
    const { outbox } = this.#o;
    const now = this.#o.clock();
    const settings = this.#o.settings();
    const targets = this.#targets();
    // The deadline clock: on one instance at a time, over every open signal.
    const leader = (await outbox.isLeader?.()) ?? true;
    const all = await outbox.entries();
    this.#reportDiscarded();
    if (leader) {
      for (const entry of all) {
        if (isDone(entry, targets) || entry.escalatedAt !== undefined) continue;
        const escalateAt =
          Date.parse(entry.signal.deadline) - settings.escalateBeforeHours * 3_600_000;
        if (deliveredToPrimary(entry, targets) || now.getTime() < escalateAt) continue;
        entry.escalatedAt = now.toISOString();
        await outbox.setEscalated(entry.signal.id, entry.escalatedAt);
        this.#o.logger?.fatal(
          {
            dpa: {
              breach: {
                id: entry.signal.id,
                kind: entry.signal.kind,
                tenants: entry.signal.tenants,
                deadline: entry.signal.deadline,
                deliveries: entry.deliveries,
              },
            },
          },
          'dpa-guard breach signal NOT delivered before the escalation margin: escalating',
        );
      }
    }
    // Deliveries: the signals this instance holds (all of them, for a local outbox).
    const work = outbox.claim === undefined ? all : await outbox.claim(CLAIM_LIMIT);
    if (outbox.claim !== undefined && work.length === CLAIM_LIMIT) this.#again = true;
    try {
      const due: (() => Promise<void>)[] = [];
      for (const entry of work) {
        if (isDone(entry, targets)) continue;
        for (const target of targets) {
          if (target.role === 'escalation' && entry.escalatedAt === undefined) continue;
          const state = deliveryOf(entry, target.name) ?? { status: 'pending', attempts: 0 };
          if (state.status !== 'pending') continue;
          if (state.nextAttemptAt !== undefined && Date.parse(state.nextAttemptAt) > now.getTime())
            continue;
          due.push(() => this.#attempt(entry, target, state));
        }
      }
      for (let i = 0; i < due.length; i += PARALLEL)
        await Promise.all(due.slice(i, i + PARALLEL).map((f) => f()));
      if (outbox.markDone !== undefined)
        for (const entry of work)
          if (isDone(entry, targets)) await outbox.markDone(entry.signal.id);
    } finally {
      if (outbox.release !== undefined && work.length > 0)
        await outbox.release(work.map((e) => e.signal.id));
    }
    const done = all.filter((e) => isDone(e, targets)).length;
    if (done >= this.#o.compactAfter) await outbox.compact((e) => isDone(e, targets));
  }

  /**
   * A record in the middle of the journal that could not be read may have been a signal:
   * it is not guessed at, but said loudly, once, so that a person looks at the file.
   */
  #reportDiscarded(): void {
    const discarded = this.#o.outbox.discarded ?? 0;
    if (discarded === 0 || this.#discardedReported) return;
    this.#discardedReported = true;
    this.#o.logger?.error(
      { dpa: { breach: { discarded } } },
      'dpa-guard breach outbox: records that could not be read were skipped; the journal may be damaged, and a signal in it may be missing',
    );
  }

  async #attempt(entry: OutboxEntry, target: HookTarget, state: DeliveryState): Promise<void> {
    const { signal } = entry;
    const record = async (next: DeliveryState) => {
      entry.deliveries[target.name] = next;
      await this.#o.outbox.setDelivery(signal.id, target.name, next);
    };
    const attempts = state.attempts + 1;
    const at = this.#o.clock();
    const result: HookResult = this.#gone.has(target.name)
      ? { kind: 'gone' }
      : await target.deliver(signal).catch((error: unknown): HookResult => ({
          kind: 'retry',
          error: `delivery failed: ${(error as Error).name}`,
        }));
    const base = { attempts, lastAttemptAt: at.toISOString() };
    const log = { dpa: { breach: { id: signal.id, hook: target.name, attempts } } };
    switch (result.kind) {
      case 'delivered':
        await record({
          ...base,
          status: 'delivered',
          deliveredAt: at.toISOString(),
        });
        this.#o.logger?.info(log, 'dpa-guard breach signal delivered');
        this.#o.onDelivered?.(signal, target, at);
        return;
      case 'gone':
        this.#gone.add(target.name);
        await record({
          ...base,
          status: 'disabled',
          lastError: 'HTTP 410: endpoint disabled',
        });
        this.#o.logger?.error(log, 'dpa-guard breach hook answered 410 Gone: endpoint disabled');
        return;
      case 'retry': {
        const backoff =
          Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempts - 1)) *
          (0.8 + 0.4 * this.#o.random());
        // A Retry-After longer than the longest backoff is not waited out: the deadline is.
        const delay = Math.max(backoff, Math.min(result.retryAfterMs ?? 0, MAX_DELAY_MS));
        const nextAttemptAt = new Date(at.getTime() + delay).toISOString();
        await record({
          ...base,
          status: 'pending',
          lastError: result.error,
          nextAttemptAt,
        });
        this.#o.logger?.warn(
          { dpa: { breach: { ...log.dpa.breach, error: result.error, nextAttemptAt } } },
          'dpa-guard breach delivery failed; will retry',
        );
      }
    }
  }

  /** Retry requests left by `dpa-guard breach retry` while this process held the outbox. */
  async #pickUpRequests(): Promise<void> {
    const dir = this.#o.requestsDir;
    if (dir === undefined) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      rmSync(join(dir, name), { force: true });
      await this.retry(name);
    }
  }

  #schedule(ms: number): void {
    if (!this.#started) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void (async () => {
        let delay = FALLBACK_DELAY_MS;
        try {
          await this.runOnce();
          delay = await this.#nextDelay();
        } catch (error) {
          // A store that is down (a database restart) must not stop delivery: log, try again.
          this.#o.logger?.error(
            { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
            'dpa-guard breach delivery loop failed; retrying',
          );
        }
        this.#schedule(delay);
      })();
    }, ms);
    this.#timer.unref();
  }

  /** Until the next due delivery or escalation, polling at least every 5 s for requests. */
  async #nextDelay(): Promise<number> {
    const now = this.#o.clock().getTime();
    const settings = this.#o.settings();
    const targets = this.#targets();
    let next = now + 5_000;
    for (const entry of await this.#o.outbox.entries()) {
      if (isDone(entry, targets)) continue;
      if (entry.escalatedAt === undefined)
        next = Math.min(
          next,
          Date.parse(entry.signal.deadline) - settings.escalateBeforeHours * 3_600_000,
        );
      for (const state of Object.values(entry.deliveries))
        if (state.status === 'pending' && state.nextAttemptAt !== undefined)
          next = Math.min(next, Date.parse(state.nextAttemptAt));
    }
    return Math.max(0, next - now);
  }
}

/** Leaves a retry request for the process that holds the outbox. */
export function requestRetry(requestsDir: string, id: string): void {
  mkdirSync(requestsDir, { recursive: true });
  writeFileSync(join(requestsDir, id.replace(/[^A-Za-z0-9_-]/g, '')), '');
}

function deliveredToPrimary(entry: OutboxEntry, targets: readonly HookTarget[]): boolean {
  return targets.some(
    (t) => t.role === 'primary' && deliveryOf(entry, t.name)?.status === 'delivered',
  );
}

/**
 * Delivered to a primary hook, no primary hook still pending (each has it, or answered
 * 410), and, if it was escalated, no escalation hook still pending.
 */
function isDone(entry: OutboxEntry, targets: readonly HookTarget[]): boolean {
  if (!deliveredToPrimary(entry, targets)) return false;
  const settled = (t: HookTarget) => (deliveryOf(entry, t.name)?.status ?? 'pending') !== 'pending';
  if (!targets.filter((t) => t.role === 'primary').every(settled)) return false;
  return (
    entry.escalatedAt === undefined || targets.filter((t) => t.role === 'escalation').every(settled)
  );
}

/**
 * A signal's standing from what its deliveries recorded: delivered once a hook took it and
 * none is still pending, escalated once the deadline clock raised it, open otherwise.
 */
export function statusOf(entry: OutboxEntry, now: number): SignalStatus {
  const { signal } = entry;
  const states = Object.values(entry.deliveries);
  const delivered =
    states.some((d) => d.status === 'delivered') && !states.some((d) => d.status === 'pending');
  return {
    id: signal.id,
    kind: signal.kind,
    tenants: signal.tenants,
    discoveredAt: signal.discoveredAt,
    deadline: signal.deadline,
    timeLeftMs: Date.parse(signal.deadline) - now,
    state: delivered ? 'delivered' : entry.escalatedAt === undefined ? 'open' : 'escalated',
    deliveries: entry.deliveries,
  };
}
