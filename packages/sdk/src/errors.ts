/**
 * Every error dpa-guard raises or answers with has a stable `DPA_ERR_*` code from this
 * one registry, so callers can branch on codes rather than on message text. The table in
 * `docs/errors.md` is kept in sync with it by a test.
 */
export const ErrorCodes = {
  DPA_ERR_INVALID_OPTIONS: {
    status: 500,
    title: 'Invalid dpa-guard options',
    summary: 'An option passed to a dpa-guard factory has the wrong type or value.',
  },
  DPA_ERR_POLICY_INVALID: {
    status: 500,
    title: 'Invalid policy',
    summary: 'A policy or tenant agreement file does not satisfy the policy schema.',
  },
  DPA_ERR_POLICY_UNREADABLE: {
    status: 500,
    title: 'Policy file unreadable',
    summary: 'A policy file could not be read (missing, a directory, no permission).',
  },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** Base class of every error thrown by dpa-guard; `code` is one of {@link ErrorCodes}. */
export class DpaGuardError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DpaGuardError';
    this.code = code;
  }
}
