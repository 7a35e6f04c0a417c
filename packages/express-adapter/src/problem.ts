import { ErrorCodes, type ErrorCode } from '@dpa-guard/sdk';
import type { Response } from 'express';

/** Where the problem types are documented; `type` is this plus the code's slug. */
export const PROBLEM_BASE = 'https://github.com/dpa-guard/dpa-guard/blob/main/docs/errors.md#';

/** An RFC 9457 problem details object, with dpa-guard's `code` and extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  [extension: string]: unknown;
}

/** Builds the problem for a registry code; title and status come from the registry. */
export function problem(
  code: ErrorCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  const entry = ErrorCodes[code];
  return {
    type: `${PROBLEM_BASE}${code.toLowerCase()}`,
    title: entry.title,
    status: entry.status,
    detail,
    code,
    ...extensions,
  };
}

/** Answers with `application/problem+json`. */
export function sendProblem(res: Response, body: Problem): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}
