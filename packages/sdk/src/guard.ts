import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditJournal } from './audit/journal.js';
import { checkOptions } from './guard-options.js';
import {
  breachRecord,
  createAudit,
  createBreachService,
  postgresStores,
  pseudonymKey,
} from './guard-stores.js';
import { offboard, type OffboardResult } from './subjects/offboard.js';
import { SubjectRequests, type Requester } from './subjects/requests.js';
import { StoreRegistry, type DataStore } from './subjects/store.js';
import type { AuditEntry, AuditRecord } from './audit/record.js';
import { AccessMonitor, type AccessRecord } from './breach/access.js';
import type { FunctionHook } from './breach/hooks.js';
import type { BreachOutbox } from './breach/outbox.js';
import type { BreachReport, BreachSink } from './breach/report.js';
import type { BreachService } from './breach/service.js';
import {
  createSignal,
  type BreachInput,
  type BreachSignal,
  type SignalScreen,
} from './breach/signal.js';
import { TenantIds } from './policy/tenant-id.js';
import { decide, refusedDecision, type Decision } from './detect/decide.js';
import { DetectionEngine, type Detection } from './detect/engine.js';
import { InspectionWorkers, type InspectionWorkerOptions } from './detect/workers.js';
import type { LoadedPolicy, PolicySource } from './policy/load.js';
import { PolicyRuntime, type ReloadResult } from './policy/runtime.js';
import type { Category, Purpose } from './policy/types.js';
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
   * Where breach signals go instead of the durable outbox (an in-memory sink in tests, say).
   * Default: none, so signals go to the outbox and on to the policy's hooks.
   */
  breachSink?: BreachSink;
  /** The durable breach outbox and its delivery (clause 8). */
  breach?: BreachOptions;
  /** The audit trail: records of processing (clause 10, GDPR art. 30(2)). */
  audit?: AuditOptions;
  /**
   * Inspection of large bodies off the event loop, by `inspectAsync` (the adapters use it).
   * `false` inspects every body on the calling thread. Default: bodies of 256 KiB of JSON
   * and more go to up to `cores − 1` worker threads (at most 4), started when first needed.
   */
  inspectionWorkers?: InspectionWorkerOptions | false;
}

/** Options of the audit trail; every one is optional. */
export interface AuditOptions {
  /** `false` keeps no records. Default `true`. */
  enabled?: boolean;
  /** Directory of the embedded journal. Default: `$DPA_GUARD_DIR/audit`, else `.dpa-guard/audit`. */
  dir?: string;
  /** A shared store instead of the file journal (many instances). */
  journal?: AuditJournal;
  /** Rotate journal files at this size. Default 10 MiB. */
  maxFileBytes?: number;
  /**
   * The Ed25519 private key that signs checkpoints (PEM, base64 DER or a KeyObject), instead
   * of the file or environment variable the policy's `audit.signing` names. Never keep it in
   * the audit directory. Default: none given here.
   */
  signingKey?: string | KeyObject;
}

/** Options of the breach outbox; every one is optional. */
export interface BreachOptions {
  /**
   * Directory of the embedded file outbox. Default: `$DPA_GUARD_DIR/breach`, else
   * `.dpa-guard/breach` under the working directory. Nothing is written until a signal is.
   */
  dir?: string;
  /** A shared store instead of the file outbox (many instances). */
  outbox?: BreachOutbox;
  /** Hooks in code next to the policy's webhooks, for in-process alerting. */
  hooks?: Record<string, FunctionHook>;
  /** Deliver in the background. Default `true`; `false` leaves delivery to `guard.breaches.runOnce()`. */
  deliver?: boolean;
  /** Delivery and escalation log lines (never a payload). Default: pino on stderr; `false` for none. */
  logger?: Logger | false;
  /** Where signing secrets are read from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Compact the outbox once this many delivered signals are kept. Default 100. */
  compactAfter?: number;
}

/** What an inspection is about: whose data, why, and where it is written. */
export interface InspectContext {
  /** The tenant (controller) on whose behalf the data is processed (clause 2.1). */
  tenant?: string | undefined;
  /** The purpose of the processing (clause 4.1). */
  purpose?: Purpose | undefined;
  /** The route written to, as "METHOD /path", for route-scoped exceptions. */
  route?: string | undefined;
  /**
   * The UTF-8 JSON text the value was parsed from, when the caller has it (an HTTP
   * adapter does). The guard then screens these bytes in one pass and walks the parsed
   * value only when they could hold a finding: the same decision, at a fraction of the
   * cost. It must be the text of this very value.
   */
  json?: Uint8Array | undefined;
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
  /**
   * `inspect`, for a body given with its JSON bytes (`context.json`): a large one is
   * inspected in a worker thread, so other requests do not wait behind its megabyte (see
   * `inspectionWorkers`). The same decision as `inspect`; never rejects (should a worker
   * fail, the body is inspected on this thread).
   *
   * @example
   * ```ts
   * const decision = await guard.inspectAsync(body, { json: rawBytes, tenant: 'acme' });
   * ```
   */
  inspectAsync(value: unknown, context?: InspectContext): Promise<Decision>;
  /**
   * Whether `id` may be a tenant id: the documented pattern (lowercase letters, digits,
   * `.`, `_`, `-`, at most 63 characters) and nothing the guard detects as a BSN. Where the
   * SDK takes a tenant id it checks the same (`inspect` refuses, the rest throw
   * `DPA_ERR_TENANT_INVALID`), so an id that holds data never reaches a log or a record.
   * `detail` never repeats the id.
   */
  checkTenant(id: unknown): { valid: true } | { valid: false; detail: string };
  /** The policy in force now. */
  readonly policy: LoadedPolicy;
  /** Where breach reports go: the durable outbox, or the `breachSink` option. */
  readonly breachSink: BreachSink;
  /** The durable outbox and its delivery; undefined when a `breachSink` replaces it. */
  readonly breaches: BreachService | undefined;
  /** Reports a possible breach from a detector; never throws (failures are logged). */
  reportBreach(report: BreachReport): Promise<void>;
  /**
   * Records a breach signal for the controller (clause 8): stored durably before this
   * resolves, then delivered to the hooks before its deadline. Throws on a signal that
   * carries the data itself or misses its nature.
   *
   * @example
   * ```ts
   * await guard.signalBreach({ kind: 'manual', tenants: ['acme'], nature: 'Laptop with exports lost', categories: ['health'], approximateSubjects: 40 });
   * ```
   */
  signalBreach(input: BreachInput): Promise<BreachSignal>;
  /**
   * Records a decision of the adapter in the audit trail (and each exception it used).
   * Never throws; resolves when the record is durable.
   */
  recordDecision(decision: Decision): Promise<void>;
  /** The audit trail; `record` never throws (a failure is logged), undefined when disabled. */
  readonly audit:
    | { journal: AuditJournal; record(entry: AuditEntry): Promise<AuditRecord | undefined> }
    | undefined;
  /**
   * Registers a data store so that subject requests and offboarding reach it; returns a
   * function that unregisters it.
   */
  registerStore(store: DataStore): () => void;
  /**
   * Data-subject requests (clause 7), across every registered store, only for the tenant's
   * own controller; results per store, failed stores retried by the same controller with `subjects.retry(id, requestedBy)`.
   */
  readonly subjects: SubjectRequests;
  /**
   * Offboards a tenant (clause 12.2): export with manifest and checksums, verified, then
   * erasure of what no legal hold keeps, and a deletion certificate.
   */
  offboard(
    tenant: string,
    options: { dir: string; requestedBy: Requester },
  ): Promise<OffboardResult>;
  /** Cross-tenant reads and unusual bulk reads become signals; resolves with those raised. */
  recordAccess(access: AccessRecord): Promise<BreachSignal[]>;
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
  /** Stops watching files and background delivery; the outbox keeps what is undelivered. */
  close(): Promise<void>;
}

/** The categories of a clean write's record: one frozen array for all of them. */
const NONE_FOUND: readonly Category[] = Object.freeze([]);
/**
 * recordDecision without an audit trail: one settled promise for every write, since a new
 * one per write is an async resource that every AsyncLocalStorage in the process tracks.
 */
const NOTHING_TO_RECORD = Promise.resolve();

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
  // The date of decisions (exceptions expire by date): formatted once per day, not per call.
  let day = { number: Number.NaN, text: '' };
  const today = () => {
    const ms = settings.clock().getTime();
    const number = Math.floor(ms / 86_400_000);
    if (number !== day.number) day = { number, text: new Date(ms).toISOString().slice(0, 10) };
    return day.text;
  };
  // One detection for every text the SDK takes: writes, breach-signal texts, tenant ids.
  const detectText = (text: string) =>
    engineFor(runtime.current)
      .detect(text)
      .findings.map((f) => f.category);
  const tenants: TenantIds = new TenantIds((id) => detectText(id).includes('bsn'));
  const screen: SignalScreen = { detect: detectText, tenants };
  const transferListeners = new Set<(decision: TransferDecision) => void>();
  const postgres = postgresStores(settings, runtime.current.policy.stores);
  if (postgres !== undefined) {
    settings.breach.outbox ??= postgres.outbox;
    settings.audit.journal ??= postgres.audit;
  }
  const audit = createAudit(settings, runtime, tenants);
  const breaches =
    settings.breachSink === undefined
      ? createBreachService(settings, runtime, audit, screen)
      : undefined;
  const sink: BreachSink = settings.breachSink ?? breaches!;
  const accessMonitor = new AccessMonitor();
  const stores = new StoreRegistry();
  const record = (entry: AuditEntry) => audit?.record(entry) ?? Promise.resolve(undefined);
  const subjects = new SubjectRequests(
    stores,
    record,
    settings.clock,
    pseudonymKey(settings),
    tenants,
  );
  const signalBreach = async (input: BreachInput): Promise<BreachSignal> => {
    if (breaches !== undefined) {
      if (settings.breach.deliver !== false) breaches.start();
      return breaches.signal(input);
    }
    const signal = createSignal(input, runtime.current.policy.breach, settings.clock(), screen);
    await sink.report(signal);
    void audit?.record(breachRecord(signal));
    return signal;
  };
  const decideOn = (loaded: LoadedPolicy, detection: Detection, context: InspectContext) => {
    // The platform's own view has no tenant id; tenant ids are never empty.
    const { policy } = loaded.forTenant(context.tenant ?? '');
    return decide(detection, policy, {
      tenant: context.tenant,
      purpose: context.purpose,
      route: context.route,
      today: today(),
    });
  };
  const detectHere = (loaded: LoadedPolicy, value: unknown, context: InspectContext) => {
    const engine = engineFor(loaded);
    return context.json === undefined
      ? engine.detect(value)
      : engine.detectJson(context.json, value);
  };
  const workers =
    settings.inspectionWorkers === false
      ? undefined
      : new InspectionWorkers(settings.inspectionWorkers);
  const guard: Guard = Object.freeze({
    inspect(value: unknown, context: InspectContext = {}): Decision {
      const loaded = runtime.current;
      if (context.tenant !== undefined && tenants.problem(context.tenant) !== undefined)
        return refusedDecision(loaded.forTenant('').policy, context, 'tenant-invalid');
      return decideOn(loaded, detectHere(loaded, value, context), context);
    },
    async inspectAsync(value: unknown, context: InspectContext = {}): Promise<Decision> {
      const { json } = context;
      if (workers === undefined || json === undefined || json.byteLength < workers.minBytes)
        return guard.inspect(value, context);
      const loaded = runtime.current;
      if (context.tenant !== undefined && tenants.problem(context.tenant) !== undefined)
        return refusedDecision(loaded.forTenant('').policy, context, 'tenant-invalid');
      let detection: Detection;
      try {
        detection = await workers.detect(json, loaded.policy.detection);
      } catch {
        // A worker that failed loses nothing: the body is inspected here instead.
        detection = detectHere(loaded, value, context);
      }
      return decideOn(loaded, detection, context);
    },
    checkTenant(id: unknown) {
      const detail = tenants.problem(id);
      return detail === undefined ? { valid: true as const } : { valid: false as const, detail };
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
    breachSink: sink,
    breaches,
    async reportBreach(report: BreachReport): Promise<void> {
      try {
        await signalBreach(report);
      } catch (error) {
        // A detector's report must not fail the request that revealed it; say so loudly.
        settings.logger?.error(
          { err: { name: (error as Error).name, code: (error as { code?: string }).code } },
          'dpa-guard could not record a breach signal',
        );
      }
    },
    signalBreach,
    audit,
    registerStore: (store: DataStore) => stores.register(store),
    subjects,
    async offboard(tenant: string, options: { dir: string; requestedBy: Requester }) {
      tenants.assert(tenant, 'offboard(tenant)');
      const { policy } = runtime.current.forTenant(tenant);
      return offboard(tenant, options, {
        stores,
        holds: policy.tenant.legalHolds ?? [],
        record,
        clock: settings.clock,
        policyVersion: policy.version,
      });
    },
    recordDecision(decision: Decision): Promise<void> {
      if (audit === undefined) return NOTHING_TO_RECORD;
      const { tenant, purpose, route, policyVersion } = decision;
      const found = decision.findings.length > 0;
      const inspection = audit.note({
        kind: 'inspection',
        tenant,
        purpose,
        route,
        policyVersion,
        categories: found ? [...new Set(decision.findings.map((f) => f.category))] : NONE_FOUND,
        decision: decision.outcome,
        rule: found ? decision.findings.map((f) => f.rule).join(' ') : undefined,
        details:
          decision.incomplete === undefined ? undefined : { incomplete: decision.incomplete },
      });
      // Every write comes here: the common case makes no promise of its own.
      if (decision.exceptions.length === 0) return inspection;
      return Promise.all([
        inspection,
        ...decision.exceptions.map((e) =>
          audit.note({
            kind: 'exception-used',
            tenant,
            purpose,
            route,
            policyVersion,
            categories: [e.category],
            decision: 'allowed',
            details: { agreement: e.agreement, path: e.path, expires: e.expires },
          }),
        ),
      ]).then(() => undefined);
    },
    async recordAccess(access: AccessRecord): Promise<BreachSignal[]> {
      tenants.assert(access?.principalTenant, 'recordAccess({ principalTenant })');
      tenants.assert(access.resourceTenant, 'recordAccess({ resourceTenant })');
      const inputs = accessMonitor.record(access, runtime.current.policy.breach, settings.clock());
      return Promise.all(inputs.map(signalBreach));
    },
    reloadPolicy: () => runtime.reload(),
    onPolicyReload: (listener: (result: ReloadResult) => void) => runtime.onReload(listener),
    async close() {
      stopWatching();
      await workers?.close();
      await breaches?.close();
      await audit?.journal.close();
      await postgres?.close();
    },
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
      const tenant = currentProcessing()?.tenant;
      void audit?.record({
        kind: 'transfer',
        tenant,
        purpose: decision.purpose,
        categories: decision.categories,
        decision: decision.allowed ? 'allowed' : 'refused',
        rule: decision.reasons.join(' '),
        policyVersion: decision.policyVersion,
        details: {
          host: decision.host,
          subprocessor: decision.subprocessor,
          country: decision.country,
          basis: decision.basis,
        },
      });
      if (decision.allowed) return;
      void guard.reportBreach({
        kind: 'blocked-transfer',
        tenants: tenant === undefined ? [] : [tenant],
        // Long digit runs in a host name are masked: a signal's text never holds a number.
        nature: `An outbound request to ${maskNumbers(decision.host ?? 'an unknown host')}${decision.subprocessor === undefined ? '' : ` (${decision.subprocessor})`} was stopped before sending: ${decision.reasons.join(', ')}.`,
        categories: decision.categories ?? [],
        ...(decision.purpose === undefined ? {} : { purpose: decision.purpose }),
        policyVersion: decision.policyVersion,
      });
    },
  };
  return guard;
}

/** Digits in generated text (a host name) are masked: a signal's text never holds a number. */
function maskNumbers(text: string): string {
  return text.replace(/\d+/g, '#');
}
