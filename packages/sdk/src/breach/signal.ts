import { randomUUID } from 'node:crypto';
import { DpaGuardError } from '../errors.js';
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

// Nine digits in a row or in a BSN layout: a free-text field must never carry one.
const NUMBER_LIKE = /\d(?:[ .\-/]?\d){7,}/;

/** Builds a signal from a report or a person's input; throws on what must not be in it. */
export function createSignal(
  input: BreachInput,
  settings: BreachSettings,
  now: Date,
): BreachSignal {
  const kind = input.kind ?? 'manual';
  if (!(BREACH_KINDS as readonly string[]).includes(kind)) {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      `signalBreach({ kind }): "${String(kind)}" is not a breach kind; use one of ${BREACH_KINDS.join(', ')}.`,
    );
  }
  for (const field of ['nature', 'consequences', 'measures'] as const) {
    const text = input[field];
    if (text !== undefined && NUMBER_LIKE.test(text)) {
      throw new DpaGuardError(
        'DPA_ERR_INVALID_OPTIONS',
        `signalBreach({ ${field} }): describe the breach without the data itself; a number like a BSN is not allowed here.`,
      );
    }
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

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
