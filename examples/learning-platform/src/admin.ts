import { join } from 'node:path';
import type { BreachSignal, Guard, Requester } from '@dpa-guard/sdk';
import type { DpaGuardMiddleware } from '@dpa-guard/express';
import { Router, type Request, type Response } from 'express';
import { principalOf } from './auth.js';

/** What the admin endpoints need of the app besides the guard. */
export interface AdminOptions {
  exportDir: string;
  /** Reports a read of this many subjects of the caller's tenant (see recordAccess). */
  read: (req: Request, subjects: number) => Promise<BreachSignal[]>;
  /** Every record of a tenant, by collection: the controller's bulk export. */
  exportAll: (tenant: string) => Record<string, readonly Record<string, unknown>[]>;
}

const KINDS = ['access', 'rectify', 'erase'] as const;
/** A subject id as the platform issues them (a UUID, legacy-1): nothing longer, no control characters. */
const SUBJECT_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The controller's admin endpoints (clauses 7 and 12.2). The tenant's admin token is the
 * controller's credential; a member asking is treated as a data subject, whose requests the
 * processor must refuse and refer to the controller (the SDK answers 403).
 */
export function adminRouter(guard: Guard, dpa: DpaGuardMiddleware, options: AdminOptions): Router {
  const router = Router();
  const requester = (req: Request): Requester => {
    const principal = principalOf(req)!;
    return principal.role === 'admin'
      ? { tenant: principal.tenant, role: 'controller', id: principal.id }
      : { tenant: principal.tenant, role: 'data-subject' };
  };
  const bad = (res: Response, detail: string): void => {
    res
      .status(400)
      .type('application/problem+json')
      .send(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail }));
  };
  const adminOnly = (req: Request, res: Response): boolean => {
    if (principalOf(req)?.role === 'admin') return true;
    res
      .status(403)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          detail: "Only the tenant's admin (the controller) may do this.",
        }),
      );
    return false;
  };

  router.post('/subject-requests', dpa.purpose('support'), async (req, res) => {
    const { kind, subjectId, changes } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind))
      return bad(res, `kind must be one of ${KINDS.join(', ')}`);
    if (typeof subjectId !== 'string' || !SUBJECT_ID.test(subjectId))
      return bad(res, 'subjectId must be the id of a user (letters, digits, . _ : -, at most 100)');
    if (
      kind === 'rectify' &&
      (changes === null || typeof changes !== 'object' || Array.isArray(changes))
    )
      return bad(res, 'rectify needs changes: an object of the fields to correct');
    const input = { tenant: principalOf(req)!.tenant, subjectId, requestedBy: requester(req) };
    const result =
      kind === 'access'
        ? await guard.subjects.access(input)
        : kind === 'rectify'
          ? await guard.subjects.rectify({ ...input, changes: changes as Record<string, unknown> })
          : await guard.subjects.erase(input);
    res.status(result.complete ? 200 : 207).json(result);
  });
  router.post('/subject-requests/:id/retry', dpa.purpose('support'), async (req, res) => {
    if (!adminOnly(req, res)) return;
    // Another tenant's request is as unknown as one that never existed.
    const id = String(req.params.id);
    if (guard.subjects.get(id)?.tenant !== principalOf(req)!.tenant)
      return void res.status(404).json({ error: 'no such request' });
    const result = await guard.subjects.retry(id, requester(req));
    res.status(result.complete ? 200 : 207).json(result);
  });
  router.get('/export', dpa.purpose('support'), async (req, res) => {
    if (!adminOnly(req, res)) return;
    const tenant = principalOf(req)!.tenant;
    const data = options.exportAll(tenant);
    const subjects = new Set<unknown>();
    for (const row of data.users ?? []) subjects.add(row.id);
    for (const rows of Object.values(data))
      for (const row of rows) if (row.userId !== undefined) subjects.add(row.userId);
    await options.read(req, subjects.size);
    res.json(data);
  });
  router.post('/offboarding', dpa.purpose('support'), async (req, res) => {
    const tenant = principalOf(req)!.tenant;
    const dir = join(
      options.exportDir,
      `${tenant}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    );
    const result = await guard.offboard(tenant, { dir, requestedBy: requester(req) });
    res.status(result.status === 'erased' ? 200 : 500).json(result);
  });
  return router;
}
