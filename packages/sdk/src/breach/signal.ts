import { randomUUID } from 'node:crypto';
import { DetectionEngine } from '../detect/engine.js';
import { DpaGuardError } from '../errors.js';
import { DEFAULT_POLICY } from '../policy/defaults.js';
import { TenantIds } from '../policy/tenant-id.js';
import type { BreachSettings, Category, Contact, Purpose } from '../policy/types.js';
import { BREACH_KINDS, type BreachKind, type BreachReport } from './report.js';

/**
 * A breach signal (clause 8): what the controller needs for its own GDPR art. 33 duty,
 * with the deadline of the agreement's 24-hour promise. Never the data itself: categories,
 * counts and JSON Pointers only.
 */
export interface BreachSignal {
  /** Stable across every retry and restart: the receiver deduplicates on it. */
  id: string;
  kind: BreachKind;
  tenants: string[];
  /** ISO timestamp of discovery. */
  discoveredAt: string;
  /** discoveredAt + the policy's deadlineHours (clause 8.1). */
  deadline: string;
  /** Art. 33(3)(a): the nature of the breach. */
  nature: string;
  categories: Category[];
  approximateSubjects?: number;
  approximateRecords?: number;
  /** Art. 33(3)(b): the contact point. */
  contact?: Contact;
  /** Art. 33(3)(c): likely consequences. */
  consequences?: string;
  /** Art. 33(3)(d): measures taken or proposed. */
  measures?: string;
  paths?: string[];
  route?: string;
  purpose?: Purpose;
  policyVersion?: string;
}

/** What a caller of `guard.signalBreach()` gives; the rest is filled in. */
export interface BreachInput extends Omit<BreachReport, 'kind'> {
  kind?: BreachKind;
  consequences?: string;
  measures?: string;
  contact?: Contact;
  /** When the breach was discovered. Default: now. */
  discoveredAt?: Date;
  /**
   * Record the signal inside the caller's transaction (a `pg` client with an open
   * transaction, for the PostgreSQL outbox): it exists only if that transaction commits.
   */
  client?: unknown;
}

/** The longest free text a signal takes: a description, not a dump. */
const MAX_TEXT = 10_000;
const CLOCK_SKEW_MS = 60_000;

/**
 * How a signal's texts are checked: with the guard's own detection, the same engine that
 * inspects writes (every category, every BSN form), and its tenant-id rule.
 */
export interface SignalScreen {
  /** The categories the guard finds in a text; empty when it finds none. */
  detect(text: string): readonly Category[];
  tenants: TenantIds;
}

let builtIn: SignalScreen | undefined;

/** The screen of the built-in policy, for a breach service made without a guard. */
export function defaultSignalScreen(): SignalScreen {
  if (builtIn === undefined) {
    const engine = new DetectionEngine(DEFAULT_POLICY.detection);
    const detect = (text: string) => engine.detect(text).findings.map((f) => f.category);
    builtIn = { detect, tenants: new TenantIds((id) => detect(id).includes('bsn')) };
  }
  return builtIn;
}

/** Builds a signal from a report or a person's input; throws on what must not be in it. */
export function createSignal(
  input: BreachInput,
  settings: BreachSettings,
  now: Date,
  screen: SignalScreen = defaultSignalScreen(),
): BreachSignal {
  const kind = input.kind ?? 'manual';
  if (!(BREACH_KINDS as readonly string[]).includes(kind)) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `signalBreach({ kind }): "${String(kind)}" is not a breach kind; use one of ${BREACH_KINDS.join(', ')}.`,
    );
  }
  checkShape(input, now);
  for (const tenant of input.tenants ?? [])
    screen.tenants.assert(tenant, 'signalBreach({ tenants })');
  // Every text of the signal goes to the controller's hook: none may carry the data itself
  // (a BSN in any form, a statement about someone's health), found by the same detection
  // that inspects writes. What was found is named by category only, never quoted.
  const texts: [string, unknown][] = [
    ['nature', input.nature],
    ['consequences', input.consequences],
    ['measures', input.measures],
    ['route', input.route],
    ['policyVersion', input.policyVersion],
    ...(input.paths ?? []).map((p): [string, unknown] => ['paths', p]),
  ];
  for (const [field, text] of texts) {
    if (text === undefined) continue;
    if (typeof text !== 'string' || text.length > MAX_TEXT)
      fail(`{ ${field} }): must be text of at most ${String(MAX_TEXT)} characters.`);
    const found = screen.detect(text);
    if (found.length > 0)
      throw new DpaGuardError(
        'DPA_ERR_SIGNAL_HOLDS_DATA',
        `signalBreach({ ${field} }): describe the breach without the data itself; the text holds what the guard blocks in writes (${[...new Set(found)].join(', ')}). Give categories and counts instead.`,
      );
  }
  if (typeof input.nature !== 'string' || input.nature.trim() === '') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'signalBreach({ nature }): say what happened (GDPR art. 33(3)(a)).',
    );
  }
  const discovered = input.discoveredAt ?? now;
  const contact = input.contact ?? settings.contact;
  return {
    id: `brs_${randomUUID()}`,
    kind,
    tenants: [...new Set(input.tenants)],
    discoveredAt: discovered.toISOString(),
    deadline: new Date(discovered.getTime() + settings.deadlineHours * 3_600_000).toISOString(),
    nature: input.nature,
    categories: [...new Set(input.categories)],
    ...optional('approximateSubjects', input.approximateSubjects),
    ...optional('approximateRecords', input.approximateRecords),
    ...optional('contact', contact),
    ...optional('consequences', input.consequences),
    ...optional('measures', input.measures),
    ...optional('paths', input.paths),
    ...optional('route', input.route),
    ...optional('purpose', input.purpose),
    ...optional('policyVersion', input.policyVersion),
  };
}

function fail(message: string): never {
  throw new DpaGuardError('DPA_ERR_INVALID_OPTIONS', `signalBreach(${message}`);
}

/** Lists are lists, counts are counts, a date is a date: a clear error, not a later crash. */
function checkShape(input: BreachInput, now: Date): void {
  for (const field of ['tenants', 'categories', 'paths'] as const) {
    const list = input[field];
    if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string')))
      fail(`{ ${field} }): must be a list of strings.`);
  }
  for (const field of ['approximateSubjects', 'approximateRecords'] as const) {
    const count = input[field];
    if (count !== undefined && !(Number.isSafeInteger(count) && count >= 0))
      fail(`{ ${field} }): must be a whole number, 0 or more.`);
  }
  const at = input.discoveredAt;
  if (at !== undefined && !(at instanceof Date && !Number.isNaN(at.getTime())))
    fail('{ discoveredAt }): must be a valid Date.');
  // A discovery in the future would move the deadline (and its escalation) out with it.
  if (at !== undefined && at.getTime() > now.getTime() + CLOCK_SKEW_MS)
    fail('{ discoveredAt }): lies in the future; give the time the breach was discovered.');
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
