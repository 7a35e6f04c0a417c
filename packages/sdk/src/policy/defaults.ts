import { CATEGORIES, type Policy } from './types.js';

/**
 * The built-in policy: with no configuration at all, dpa-guard already enforces the
 * agreement — every category of clause 3.2 is blocked, every processing needs one of the
 * purposes of clause 4.1, breaches are due within the 24 hours of clause 8.1.
 */
export const DEFAULT_POLICY: Policy = deepFreeze({
  version: 'dpa-defaults-1',
  mode: 'enforce',
  strict: true,
  purposes: {
    provide: {
      description:
        'Providing the platform: courses, enrollments, exams, certificates (clause 4.1).',
    },
    secure: {
      description:
        'Securing the platform: access control, fraud and abuse prevention, incident handling.',
    },
    support: {
      description:
        'Supporting users and controllers: help desk, support chats, data-subject requests.',
    },
    improve: {
      description: 'Improving the platform: aggregate usage analysis, quality of course content.',
    },
  },
  detection: {
    block: [...CATEGORIES],
    threshold: 0.5,
    fields: [],
    limits: { maxBodyBytes: 1024 * 1024, maxDepth: 64, maxNodes: 100_000 },
  },
  tenants: {},
  subprocessors: {},
  transfers: { internalHosts: [] },
  breach: {
    hooks: {},
    deadlineHours: 24,
    escalateBeforeHours: 4,
    massExport: { subjects: 500, windowMinutes: 60 },
  },
  audit: {
    origin: 'dpa-guard',
    signing: { required: false },
    checkpoints: { everyRecords: 1000, everySeconds: 60, toHooks: true },
  },
});

/** Freezes a plain JSON value all the way down, so a policy in force cannot be edited. */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node !== null && typeof node === 'object' && !Object.isFrozen(node)) {
      Object.freeze(node);
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  return value;
}
