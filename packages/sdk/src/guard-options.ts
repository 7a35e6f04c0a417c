// Checks createGuard's options once, at construction, with errors that say how to fix them.
import { pino, type Logger } from 'pino';
import type { BreachSink } from './breach/report.js';
import { DpaGuardError } from './errors.js';
import type { AuditOptions, BreachOptions, GuardOptions } from './guard.js';
import type { PolicySource } from './policy/load.js';
import type { InspectionWorkerOptions } from './detect/workers.js';

export interface CheckedOptions {
  audit: AuditOptions;
  databaseUrl: string | undefined;
  /** A directory was given for a journal: the file stores, whatever else says. */
  explicitFiles: boolean;
  breachSink: BreachSink | undefined;
  breach: BreachOptions;
  logger: Logger | undefined;
  policy: readonly PolicySource[];
  watchPolicy: boolean;
  clock: () => Date;
  inspectionWorkers: InspectionWorkerOptions | false | undefined;
}

export function checkOptions(options: GuardOptions): CheckedOptions {
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
  if (options.breachSink !== undefined && typeof options.breachSink?.report !== 'function') {
    throw new DpaGuardError(
      'DPA_ERR_INVALID_OPTIONS',
      'createGuard({ breachSink }): must have a report(report) method.',
    );
  }
  const workers = options.inspectionWorkers;
  if (workers !== undefined && workers !== false) {
    const bad = (name: string, v: unknown, min: number) =>
      v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)
        ? `createGuard({ inspectionWorkers: { ${name} } }): must be an integer of at least ${min}; got ${JSON.stringify(v)}.`
        : undefined;
    const problem =
      typeof workers !== 'object' || workers === null
        ? 'createGuard({ inspectionWorkers }): must be false or { minBytes?, threads? }.'
        : (bad('minBytes', workers.minBytes, 0) ?? bad('threads', workers.threads, 1));
    if (problem !== undefined) throw new DpaGuardError('DPA_ERR_INVALID_OPTIONS', problem);
  }
  const breach = { ...options.breach };
  const audit = { ...options.audit };
  const explicitFiles = breach.dir !== undefined || audit.dir !== undefined;
  const databaseUrl = process.env.DATABASE_URL;
  return Object.freeze({
    audit,
    explicitFiles,
    databaseUrl: databaseUrl === undefined || databaseUrl === '' ? undefined : databaseUrl,
    breachSink: options.breachSink,
    breach,
    logger: breach.logger === false ? undefined : (breach.logger ?? defaultLogger()),
    policy: policy as PolicySource[],
    watchPolicy: options.watchPolicy ?? false,
    clock: options.clock ?? (() => new Date()),
    inspectionWorkers: workers,
  });
}

let sharedLogger: Logger | undefined;

/** One stderr logger for every guard that was given none. */
function defaultLogger(): Logger {
  sharedLogger ??= pino({ name: 'dpa-guard' }, pino.destination(2));
  return sharedLogger;
}
