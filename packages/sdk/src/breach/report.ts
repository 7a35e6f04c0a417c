import type { Category, Purpose } from '../policy/types.js';

/** The kinds of breach signal dpa-guard raises (clause 8). */
export const BREACH_KINDS = [
  'leak-in-response',
  'blocked-transfer',
  'unlawful-transfer',
  'cross-tenant-access',
  'mass-export',
  'manual',
] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];

/**
 * A possible breach as a source reports it: what happened, to whose data, which
 * categories and where — never the data itself.
 */
export interface BreachReport {
  kind: BreachKind;
  /** The tenants (controllers) whose data is concerned. */
  tenants: string[];
  /** The nature of the breach, in words (GDPR art. 33(3)(a)). */
  nature: string;
  categories: Category[];
  /** JSON Pointers of where the data was seen, when known. */
  paths?: string[];
  route?: string;
  purpose?: Purpose;
  policyVersion?: string;
  approximateSubjects?: number;
  approximateRecords?: number;
}

/** Where reports go. The durable outbox with signed delivery implements it too. */
export interface BreachSink {
  report(report: BreachReport): void | Promise<void>;
}

/**
 * Keeps reports in memory (the last `capacity`), for tests and for trying dpa-guard out.
 * Counts what it had to drop, as a bounded queue should.
 */
export class InMemoryBreachSink implements BreachSink {
  readonly reports: BreachReport[] = [];
  dropped = 0;
  readonly #capacity: number;

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  report(report: BreachReport): void {
    if (this.reports.length >= this.#capacity) {
      this.reports.shift();
      this.dropped++;
    }
    this.reports.push(structuredClone(report));
  }
}
