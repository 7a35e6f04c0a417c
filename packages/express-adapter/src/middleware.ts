import {
  compileRoutePattern,
  createGuard,
  recordDecisionTelemetry,
  runProcessing,
  setCurrentPurpose,
  type Decision,
  type Guard,
  type Processing,
  type Purpose,
  type TenantPolicy,
} from '@dpa-guard/sdk';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pino, type Logger } from 'pino';
import { createBodyReader, type BodyOutcome } from './body.js';
import { inspectResponses } from './egress.js';
import { assertPurposeAllowed, checkOptions, type DpaGuardOptions } from './options.js';
import { problem, sendProblem } from './problem.js';
import { lookupRoutePurpose, PURPOSE_MARK } from './route-purpose.js';

/** The middleware, with the purpose and egress helpers bound to the same guard. */
export interface DpaGuardMiddleware extends RequestHandler {
  /** The SDK guard deciding for this middleware. */
  readonly guard: Guard;
  /**
   * Route middleware that declares the purpose of a route (clause 4.1). Checked against the
   * policy when the route is declared, at start-up.
   *
   * @example
   * ```ts
   * app.post('/enrollments', dpa.purpose('provide'), createEnrollment);
   * ```
   */
  purpose(purpose: Purpose): RequestHandler;
  /** Route middleware that inspects this route's JSON responses (egress check). */
  inspectResponse(): RequestHandler;
}

const DEFAULT_METHODS = ['POST', 'PUT', 'PATCH'];

/**
 * Express 5 middleware that enforces the agreement on every write: it reads the body
 * (JSON, urlencoded, text) within the policy's limits, binds the request to its tenant
 * and purpose, asks the SDK for a decision and answers a blocked write with
 * `422 application/problem+json` — categories and JSON Pointers, never the values. Every
 * decision becomes span attributes, a metric and one log line.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { dpaGuard } from '@dpa-guard/express';
 *
 * const app = express();
 * const dpa = dpaGuard({ policy: 'dpa-policy.json', tenant: (req) => req.get('x-tenant-id') });
 * app.use(dpa);
 * app.post('/enrollments', dpa.purpose('provide'), (req, res) => res.status(201).json(req.body));
 * ```
 */
export function dpaGuard(options: DpaGuardOptions = {}): DpaGuardMiddleware {
  const guard =
    options.guard ?? createGuard(options.policy === undefined ? {} : { policy: options.policy });
  checkOptions(options, guard);
  const methods = new Set((options.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase()));
  const routePurposes = Object.entries(options.purposes ?? {}).map(([route, purpose]) => ({
    matches: compileRoutePattern(route),
    purpose,
  }));
  const egressRoutes = (options.responses ?? []).map(compileRoutePattern);
  const logger: Logger | undefined =
    options.logger === false ? undefined : (options.logger ?? pino({ name: 'dpa-guard' }));
  const tenantOf = options.tenant ?? (() => undefined);
  let readBody = createBodyReader({ limit: guard.policy.policy.detection.limits.maxBodyBytes });
  let readerLimit = guard.policy.policy.detection.limits.maxBodyBytes;

  const evidence = (decision: Decision, req: Request) => {
    recordDecisionTelemetry(decision);
    logger?.[decision.outcome === 'pass' ? 'info' : 'warn'](
      {
        dpa: {
          decision: decision.outcome,
          purpose: decision.purpose,
          tenant: decision.tenant,
          policyVersion: decision.policyVersion,
          findings: decision.findings.map(({ category, path, rule }) => ({ category, path, rule })),
          exceptions: decision.exceptions.map(({ category, path, agreement }) => ({
            category,
            path,
            agreement,
          })),
          incomplete: decision.incomplete,
        },
        method: req.method,
        route: decision.route,
      },
      'dpa-guard decision',
    );
    void guard.recordDecision(decision);
    options.onDecision?.(decision, req);
  };

  const uninspectable = (
    req: Request,
    res: Response,
    next: NextFunction,
    outcome: BodyOutcome & { kind: 'too-large' | 'unsupported' },
    base: Decision,
  ) => {
    // Under monitor a body goes on as it came; one read in part before its size showed
    // (sent without a length) cannot, and is refused rather than passed on empty.
    const consumed = outcome.kind === 'too-large' && outcome.consumed;
    const decision: Decision = {
      ...base,
      outcome: 'uninspectable',
      blocked: base.mode === 'enforce' || consumed,
    };
    evidence(decision, req);
    if (!decision.blocked) return next();
    const code =
      outcome.kind === 'too-large' ? 'DPA_ERR_BODY_TOO_LARGE' : 'DPA_ERR_UNSUPPORTED_BODY';
    const why =
      base.mode === 'enforce'
        ? 'the policy enforces, so the write is refused'
        : 'it was sent without a length and read up to the limit, so it cannot be passed on; send it with a Content-Length';
    sendProblem(
      res,
      problem(code, `${outcome.detail}; ${why}.`, { policyVersion: decision.policyVersion }),
    );
  };

  const decideOn = (
    req: Request,
    res: Response,
    next: NextFunction,
    processing: Processing & { route: string },
    policy: TenantPolicy,
    outcome: BodyOutcome,
  ) => {
    switch (outcome.kind) {
      case 'malformed':
        return sendProblem(res, problem('DPA_ERR_MALFORMED_BODY', outcome.detail));
      case 'too-large':
      case 'unsupported':
        return uninspectable(req, res, next, outcome, baseDecision(processing, policy));
      case 'empty':
        evidence(baseDecision(processing, policy), req);
        return next();
      case 'parsed':
        break;
    }
    // A large body is inspected off the event loop; the answer is the same either way.
    guard
      .inspectAsync(outcome.value, {
        tenant: processing.tenant,
        purpose: processing.purpose,
        route: processing.route,
        json: outcome.json,
      })
      .then((decision) => answer(req, res, next, decision), next);
  };

  const answer = (req: Request, res: Response, next: NextFunction, decision: Decision) => {
    evidence(decision, req);
    if (!decision.blocked) return next();
    if (decision.outcome === 'uninspectable') {
      return sendProblem(
        res,
        problem(
          'DPA_ERR_UNINSPECTABLE',
          `the body could not be inspected completely (${decision.incomplete ?? 'limit'}); the policy enforces, so the write is refused.`,
          {
            policyVersion: decision.policyVersion,
          },
        ),
      );
    }
    const categories = [...new Set(decision.findings.map((f) => f.category))];
    sendProblem(
      res,
      problem(
        'DPA_ERR_BLOCKED',
        `The write holds data the data processing agreement keeps off the platform (clause 3.2): ${categories.join(', ')}. Remove it, or ask for a written exception.`,
        {
          policyVersion: decision.policyVersion,
          findings: decision.findings.map(({ category, path }) => ({ category, path })),
        },
      ),
    );
  };

  const inspectWrite = (
    req: Request,
    res: Response,
    next: NextFunction,
    processing: Processing & { route: string },
    policy: TenantPolicy,
  ) => {
    const limit = policy.detection.limits.maxBodyBytes;
    if (limit !== readerLimit) {
      // The policy was reloaded with another limit: parsers are rebuilt once, not per request.
      readerLimit = limit;
      readBody = createBodyReader({ limit });
    }
    readBody(req, res, (outcome) => {
      // Called from the parser's stream events: a throw here would escape Express.
      try {
        decideOn(req, res, next, processing, policy, outcome);
      } catch (error) {
        next(error);
      }
    });
  };

  const middleware = function dpaGuardMiddleware(
    req: Request,
    res: Response,
    next: NextFunction,
  ): void {
    const tenant = safeTenant(tenantOf, req);
    // A tenant id goes into every log line and record of the request: one that is not a
    // tenant id (or holds a BSN) is refused before anything is bound to it or written.
    const tenantCheck = tenant === undefined ? undefined : guard.checkTenant(tenant);
    if (tenantCheck !== undefined && !tenantCheck.valid)
      return sendProblem(res, problem('DPA_ERR_TENANT_INVALID', `${tenantCheck.detail}.`));
    // Per request: nothing is built for options that are not in use.
    const mapped =
      routePurposes.length === 0
        ? undefined
        : routePurposes.find((r) => r.matches(`${req.method} ${req.path}`))?.purpose;
    const lookup = lookupRoutePurpose(req);
    const purpose = mapped ?? (lookup.found ? lookup.purpose : undefined);
    // The route as declared ("POST /users/:id"), so logs and records never hold the ids in a path.
    const route = `${req.method} ${lookup.found ? lookup.pattern : maskDigits(req.path)}`;
    const processing: Processing & { route: string } = { tenant, purpose, route };
    runProcessing(processing, () => {
      if (
        egressRoutes.length > 0 &&
        egressRoutes.some((matches) => matches(`${req.method} ${req.path}`))
      )
        inspectResponses(guard, req, res, logger);
      if (!methods.has(req.method)) return next();
      const { policy } = guard.policy.forTenant(tenant ?? '');
      const strict = options.strict ?? policy.strict;
      if (options.requireTenant === true && tenant === undefined) {
        return sendProblem(
          res,
          problem(
            'DPA_ERR_TENANT_MISSING',
            'No tenant was resolved for this write; every processing is bound to a controller (clause 2.1).',
          ),
        );
      }
      if (strict && lookup.found && purpose === undefined) {
        return sendProblem(
          res,
          problem(
            'DPA_ERR_PURPOSE_MISSING',
            `The route ${req.method} ${lookup.pattern} declares no purpose; strict mode refuses processing without one (clause 4.1).`,
            {
              policyVersion: policy.version,
            },
          ),
        );
      }
      if (purpose !== undefined && !policy.tenant.purposes.includes(purpose)) {
        return sendProblem(
          res,
          problem(
            'DPA_ERR_PURPOSE_NOT_ALLOWED',
            `The purpose "${purpose}" is not one this controller's policy allows (${policy.tenant.purposes.join(', ')}).`,
            {
              policyVersion: policy.version,
            },
          ),
        );
      }
      inspectWrite(req, res, next, processing, policy);
    });
  } as DpaGuardMiddleware;

  const allowed = Object.keys(guard.policy.policy.purposes);
  Object.defineProperties(middleware, {
    guard: { value: guard },
    purpose: {
      value: (purpose: Purpose): RequestHandler => {
        assertPurposeAllowed(purpose, allowed, `purpose("${String(purpose)}")`);
        const declare = function dpaPurpose(_req: Request, _res: Response, next: NextFunction) {
          setCurrentPurpose(purpose);
          next();
        };
        return Object.assign(declare, { [PURPOSE_MARK]: purpose });
      },
    },
    inspectResponse: {
      value: (): RequestHandler =>
        function dpaInspectResponse(req: Request, res: Response, next: NextFunction) {
          inspectResponses(guard, req, res, logger);
          next();
        },
    },
  });
  return middleware;
}

/** A tenant resolver that throws must not crash the request: treat it as no tenant. */
function safeTenant(
  tenantOf: (req: Request) => string | undefined,
  req: Request,
): string | undefined {
  try {
    const tenant = tenantOf(req);
    return typeof tenant === 'string' && tenant !== '' ? tenant : undefined;
  } catch {
    return undefined;
  }
}

/** Paths can carry identifiers; long digit runs are masked before a path is logged. */
function maskDigits(path: string): string {
  return path.replace(/\d[\d.\- ]{5,}\d/g, ':n');
}

/** The decision for a write with nothing inspected yet: a pass, under the tenant's policy. */
function baseDecision(processing: Processing & { route: string }, policy: TenantPolicy): Decision {
  const decision: Decision = {
    blocked: false,
    outcome: 'pass',
    findings: [],
    exceptions: [],
    mode: policy.mode,
    policyVersion: policy.version,
    route: processing.route,
  };
  if (processing.tenant !== undefined) decision.tenant = processing.tenant;
  if (processing.purpose !== undefined) decision.purpose = processing.purpose;
  return decision;
}
