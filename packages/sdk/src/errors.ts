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
  DPA_ERR_BLOCKED: {
    status: 422,
    title: 'Personal data the agreement forbids',
    summary:
      'A write holds a BSN or special-category data (clause 3.2) and the policy enforces; the answer lists categories and JSON Pointers, never the values.',
  },
  DPA_ERR_UNINSPECTABLE: {
    status: 422,
    title: 'Body could not be inspected',
    summary:
      'A write could not be inspected completely (too deep, too many values) and the policy enforces, so it is refused (fail closed).',
  },
  DPA_ERR_BODY_TOO_LARGE: {
    status: 413,
    title: 'Body too large to inspect',
    summary:
      'A write is larger than detection.limits.maxBodyBytes of the policy and the policy enforces.',
  },
  DPA_ERR_UNSUPPORTED_BODY: {
    status: 415,
    title: 'Body type cannot be inspected',
    summary:
      'A write has a content type or encoding dpa-guard cannot inspect (multipart, binary, compressed) and the policy enforces.',
  },
  DPA_ERR_MALFORMED_BODY: {
    status: 400,
    title: 'Malformed body',
    summary: 'A write body is not valid JSON (or not valid for its content type).',
  },
  DPA_ERR_PURPOSE_MISSING: {
    status: 403,
    title: 'Processing without a purpose',
    summary: 'Strict mode (clause 4.1): a write reached a route that declares no purpose.',
  },
  DPA_ERR_PURPOSE_NOT_ALLOWED: {
    status: 403,
    title: 'Purpose not allowed',
    summary:
      "The purpose of the route is not one the policy, or this tenant's agreement, allows (clause 4.2).",
  },
  DPA_ERR_TENANT_MISSING: {
    status: 400,
    title: 'Processing without a tenant',
    summary:
      'The guard requires every processing to be bound to a tenant (clause 2.1) and none was resolved for this request.',
  },
  DPA_ERR_TENANT_INVALID: {
    status: 400,
    title: 'Tenant id not valid',
    summary:
      'A tenant id is not lowercase letters, digits, dots, dashes or underscores of at most 63 characters, or it holds data the guard detects (a BSN); it is refused and never written to a log or record.',
  },
  DPA_ERR_INSPECTION_FAILED: {
    status: 500,
    title: 'Inspection worker failed',
    summary:
      'A worker thread that inspects large bodies failed or the guard was closed; inspectAsync then inspects on the calling thread, so callers see this only from the worker pool itself.',
  },
  DPA_ERR_SIGNAL_HOLDS_DATA: {
    status: 422,
    title: 'Breach signal holds the data itself',
    summary:
      "A text of a breach signal (nature, consequences, measures, route, paths) holds what the guard blocks in writes (a BSN, a statement of someone's health …); describe the breach by categories and counts instead.",
  },
  DPA_ERR_AUDIT_KEY_MISSING: {
    status: 500,
    title: 'Audit signing key missing',
    summary:
      'The policy requires signed audit checkpoints (audit.signing.required) and no signing key was found in the environment variable or file it names; the guard does not start.',
  },
  DPA_ERR_AUDIT_KEY_INVALID: {
    status: 500,
    title: 'Audit signing key not usable',
    summary:
      'The audit signing or verifying key is not an Ed25519 key in PEM or base64 DER, cannot be read, or lies inside the audit directory it would sign for.',
  },
  DPA_ERR_TRANSFER_BLOCKED: {
    status: 500,
    title: 'Transfer blocked',
    summary:
      'An outbound request during a processing went to a host that is not a registered subprocessor, not declared for the purpose, or without a lawful basis for its country on that date (clause 5, GDPR chapter V); it was stopped before any byte was sent.',
  },
  DPA_ERR_REQUEST_REFUSED: {
    status: 403,
    title: 'Request not from the controller',
    summary:
      "A data-subject request or offboarding did not come from the tenant's own controller; the processor never acts on one directly (clause 7.2).",
  },
  DPA_ERR_REQUEST_UNKNOWN: {
    status: 404,
    title: 'No such request',
    summary:
      'A data-subject request id names no request this process holds (finished requests are not kept).',
  },
  DPA_ERR_OFFBOARDING_FAILED: {
    status: 500,
    title: 'Offboarding export failed',
    summary:
      'The export of a tenant could not be completed or verified, so nothing was erased (clause 12.2); the result says which store and why.',
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
