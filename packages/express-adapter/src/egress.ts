import { currentProcessing, type Guard } from '@dpa-guard/sdk';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

const WRAPPED = Symbol('dpa-guard.egress');

/**
 * Inspects what this response sends with `res.json`: a BSN or special-category value
 * leaving the platform is reported to the guard's breach sink as a possible leak
 * (clause 8), with categories and JSON Pointers only. The response itself goes out
 * unchanged: refusing it would hide the incident from the user, not undo it.
 */
export function inspectResponses(
  guard: Guard,
  req: Request,
  res: Response,
  logger: Logger | undefined,
): void {
  const marked = res as Response & { [WRAPPED]?: true };
  if (marked[WRAPPED] === true) return;
  marked[WRAPPED] = true;
  const send = res.json.bind(res);
  res.json = function dpaEgressJson(body?: unknown) {
    const processing = currentProcessing();
    const decision = guard.inspect(body, {
      tenant: processing?.tenant,
      purpose: processing?.purpose,
      route: processing?.route,
    });
    if (decision.findings.length > 0) {
      const categories = [...new Set(decision.findings.map((f) => f.category))];
      const paths = decision.findings.map((f) => f.path);
      logger?.warn(
        {
          dpa: {
            decision: 'leak-in-response',
            categories,
            paths,
            tenant: decision.tenant,
            policyVersion: decision.policyVersion,
          },
          method: req.method,
          route: processing?.route,
        },
        'dpa-guard possible leak in a response',
      );
      void guard.reportBreach({
        kind: 'leak-in-response',
        tenants: decision.tenant === undefined ? [] : [decision.tenant],
        nature: `A response to ${processing?.route ?? req.method} carried ${categories.join(', ')} data that the agreement keeps off the platform.`,
        categories,
        paths,
        ...(processing?.route === undefined ? {} : { route: processing.route }),
        ...(decision.purpose === undefined ? {} : { purpose: decision.purpose }),
        policyVersion: decision.policyVersion,
        approximateRecords: paths.length,
      });
    }
    return send(body);
  };
}
