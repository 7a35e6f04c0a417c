import { join } from 'node:path';
import type { Guard, Requester } from '@dpa-guard/sdk';
import type { DpaGuardMiddleware } from '@dpa-guard/express';
import { Router, type Request } from 'express';

/**
 * The controller's admin endpoints (clauses 7 and 12.2). In the example a tenant admin is
 * whoever holds that tenant's admin token; anyone else is treated as a data subject, whose
 * requests the processor must refuse and refer to the controller.
 */
export function adminRouter(
  guard: Guard,
  dpa: DpaGuardMiddleware,
  options: { adminTokens: Readonly<Record<string, string>>; exportDir: string },
): Router {
  const router = Router();
  const requester = (req: Request): Requester => {
    const tenant = req.get('x-tenant-id') ?? '';
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return token !== undefined && token === options.adminTokens[tenant]
      ? { tenant, role: 'controller', id: `admin of ${tenant}` }
      : { tenant, role: 'data-subject' };
  };
  router.post('/subject-requests', dpa.purpose('support'), async (req, res) => {
    const { kind, subjectId, changes } = (req.body ?? {}) as {
      kind?: unknown;
      subjectId?: unknown;
      changes?: Record<string, unknown>;
    };
    const input = {
      tenant: req.get('x-tenant-id') ?? '',
      subjectId: typeof subjectId === 'string' ? subjectId : '',
      requestedBy: requester(req),
    };
    const result =
      kind === 'access'
        ? await guard.subjects.access(input)
        : kind === 'rectify'
          ? await guard.subjects.rectify({ ...input, changes: changes ?? {} })
          : kind === 'erase'
            ? await guard.subjects.erase(input)
            : undefined;
    if (result === undefined)
      res.status(400).json({ error: 'kind must be access, rectify or erase' });
    else res.status(result.complete ? 200 : 207).json(result);
  });
  router.post('/subject-requests/:id/retry', dpa.purpose('support'), async (req, res) => {
    res.json(await guard.subjects.retry(String(req.params.id)));
  });
  router.post('/offboarding', dpa.purpose('support'), async (req, res) => {
    const tenant = req.get('x-tenant-id') ?? '';
    const dir = join(
      options.exportDir,
      `${tenant}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    );
    const result = await guard.offboard(tenant, { dir, requestedBy: requester(req) });
    res.status(result.status === 'erased' ? 200 : 500).json(result);
  });
  return router;
}
