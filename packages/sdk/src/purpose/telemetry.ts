import { metrics, trace, type Attributes, type Counter } from '@opentelemetry/api';
import type { Decision } from '../detect/decide.js';

/**
 * Evidence in the platform's own OpenTelemetry: attributes on the active span and a
 * decision counter. Through `@opentelemetry/api` only, so without an SDK registered it is
 * a no-op, and dpa-guard never registers globals itself. Attributes hold categories,
 * purposes and versions — never a detected value.
 */
export const ATTRIBUTES = {
  purpose: 'dpa.purpose',
  tenant: 'dpa.tenant',
  policyVersion: 'dpa.policy.version',
  decision: 'dpa.decision',
  categories: 'dpa.categories',
  exceptions: 'dpa.exceptions',
  subprocessor: 'dpa.subprocessor',
} as const;

const METER_NAME = '@dpa-guard/sdk';
let counter: Counter | undefined;
let counterMeterProvider: unknown;

/** The attributes that describe a decision; safe to export anywhere. */
export function decisionAttributes(decision: Decision): Attributes {
  const attributes: Attributes = {
    [ATTRIBUTES.policyVersion]: decision.policyVersion,
    [ATTRIBUTES.decision]: decision.outcome,
    [ATTRIBUTES.categories]: [...new Set(decision.findings.map((f) => f.category))].sort(),
  };
  if (decision.purpose !== undefined) attributes[ATTRIBUTES.purpose] = decision.purpose;
  if (decision.tenant !== undefined) attributes[ATTRIBUTES.tenant] = decision.tenant;
  if (decision.exceptions.length > 0) {
    attributes[ATTRIBUTES.exceptions] = [
      ...new Set(decision.exceptions.map((e) => e.agreement)),
    ].sort();
  }
  return attributes;
}

/** Sets the decision's attributes on the active span and counts it in `dpa.decisions`. */
export function recordDecisionTelemetry(decision: Decision): void {
  // Built only when there is a span to carry them: this runs for every write.
  trace.getActiveSpan()?.setAttributes(decisionAttributes(decision));
  decisionCounter().add(1, counterAttributes(decision.outcome, decision.purpose));
}

/** The counter's attributes: a handful of combinations, made once each (by outcome, purpose). */
const counterAttributeSets = new Map<string, Map<string | undefined, Attributes>>();
function counterAttributes(outcome: Decision['outcome'], purpose: string | undefined): Attributes {
  let byPurpose = counterAttributeSets.get(outcome);
  if (byPurpose === undefined)
    counterAttributeSets.set(outcome, (byPurpose = new Map<string | undefined, Attributes>()));
  let attributes = byPurpose.get(purpose);
  if (attributes === undefined) {
    attributes = Object.freeze(
      purpose === undefined
        ? { [ATTRIBUTES.decision]: outcome }
        : { [ATTRIBUTES.decision]: outcome, [ATTRIBUTES.purpose]: purpose },
    );
    byPurpose.set(purpose, attributes);
  }
  return attributes;
}

function decisionCounter(): Counter {
  // Re-resolved when the global meter provider changes (an SDK registered after start-up).
  const provider = metrics.getMeterProvider();
  if (counter === undefined || provider !== counterMeterProvider) {
    counterMeterProvider = provider;
    counter = provider.getMeter(METER_NAME).createCounter('dpa.decisions', {
      description: 'Decisions made by dpa-guard on inspected processing, by outcome and purpose',
    });
  }
  return counter;
}
