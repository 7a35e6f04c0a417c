import { DpaGuardError, TransferBlockedError } from '@dpa-guard/sdk';
import type { ErrorRequestHandler } from 'express';
import { problem, sendProblem } from './problem.js';

/**
 * Express error middleware that answers a dpa-guard error reaching it (a transfer the
 * outbound guard stopped, say) with `application/problem+json` and the error's code,
 * instead of Express's HTML page. Other errors go on to the next handler. A transfer's
 * answer names the subprocessor, country and reasons; never any data.
 *
 * @example
 * ```ts
 * app.use(dpaErrorHandler()); // after the routes
 * ```
 */
export function dpaErrorHandler(): ErrorRequestHandler {
  return function dpaGuardErrors(error: unknown, _req, res, next) {
    if (!(error instanceof DpaGuardError) || res.headersSent) return next(error);
    const extensions =
      error instanceof TransferBlockedError
        ? {
            transfer: {
              host: error.decision.host,
              subprocessor: error.decision.subprocessor,
              country: error.decision.country,
              reasons: error.decision.reasons,
              policyVersion: error.decision.policyVersion,
            },
          }
        : {};
    sendProblem(res, problem(error.code, error.message, extensions));
  };
}
