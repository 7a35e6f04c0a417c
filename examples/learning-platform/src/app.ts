import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuard, type Guard, type GuardOptions } from '@dpa-guard/sdk';
import {
  dpaErrorHandler,
  dpaGuard,
  type DpaGuardMiddleware,
  type DpaGuardOptions,
} from '@dpa-guard/express';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { adminRouter } from './admin.js';
import { authenticate, demoCredentials, principalOf, type Credential } from './auth.js';
import { asDataStore } from './data-stores.js';
import { MemoryStore } from './store.js';
import type { Subprocessors } from './subprocessors.js';

/** The example's own policy files: the platform policy and one tenant agreement. */
export const EXAMPLE_POLICY = [
  fileURLToPath(new URL('../policy/dpa-policy.json', import.meta.url)),
  fileURLToPath(new URL('../policy/agreements/bouwbedrijf-jansen.json', import.meta.url)),
];

export interface ExampleApp {
  app: Express;
  guard: Guard;
  dpa: DpaGuardMiddleware;
}

export interface ExampleOptions {
  /** Guard options (policy files, clock, breach sink). Default: the example policy. */
  guard?: GuardOptions;
  /** Middleware options (logger, strictness). */
  middleware?: Omit<DpaGuardOptions, 'guard'>;
  /** Clients of the subprocessors (e-mail, video); without them no mail or video is sent. */
  subprocessors?: Subprocessors;
  /**
   * Who may call, by bearer token: each token is one tenant's member or admin. Default: the
   * demo's `demo-member-<tenant>` and `demo-admin-<tenant>` for every tenant of the policy.
   */
  credentials?: readonly Credential[];
  /** Where offboarding exports go. Default: `.dpa-guard/exports`. */
  exportDir?: string;
  /** Middleware that runs before the guard, as a platform's HTTP instrumentation would. */
  before?: readonly RequestHandler[];
}

type Row = Record<string, unknown>;

/**
 * The example learning platform: users and profiles, courses, enrollments, course
 * feedback, instructor notes, certificates, absences and support chats, with a purpose on
 * every route. Every route but /health needs a bearer token; the tenant is the token's,
 * so no client can name another tenant. A read of another tenant's record, or more
 * subjects read than the policy's mass-export limit, becomes a breach signal.
 */
export function createApp(options: ExampleOptions = {}): ExampleApp {
  const guard = createGuard({ policy: EXAMPLE_POLICY, ...options.guard });
  // The tenants this platform serves: those its policy names, in its own file or an agreement.
  const known = [
    ...new Set([
      ...Object.keys(guard.policy.policy.tenants),
      ...guard.policy.layers.flatMap((l) => (l.kind === 'tenant' ? [l.document.tenant] : [])),
    ]),
  ];
  const credentials = options.credentials ?? demoCredentials(known);
  // A token for a tenant the policy does not know could never be served: refuse to start.
  for (const c of credentials)
    if (!known.includes(c.tenant))
      throw new Error(`credential ${c.id}: tenant ${c.tenant} is not in the policy's tenants`);
  const dpa = dpaGuard({
    guard,
    tenant: (req) => principalOf(req)?.tenant,
    requireTenant: true,
    responses: ['GET /users/:id'],
    ...options.middleware,
  });
  const app = express();
  app.disable('x-powered-by');
  for (const handler of options.before ?? []) app.use(handler);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', policyVersion: guard.policy.version, mode: guard.policy.policy.mode });
  });
  app.use(authenticate(credentials));
  app.use(dpa);

  const stores = {
    users: new MemoryStore<Row>(),
    courses: new MemoryStore<Row>(),
    enrollments: new MemoryStore<Row>(),
    feedback: new MemoryStore<Row>(),
    notes: new MemoryStore<Row>(),
    certificates: new MemoryStore<Row>(),
    absences: new MemoryStore<Row>(),
    chats: new MemoryStore<Row>(),
  };
  // A record imported before the guard existed still holds a BSN: reading it makes the
  // egress check raise a breach signal (GET /users/legacy-1 as bouwbedrijf-jansen).
  stores.users.insert(
    'bouwbedrijf-jansen',
    { name: 'K. de Boer', bsn: '111222333', importedFrom: 'spreadsheet 2019' },
    'legacy-1',
  );
  // Whose record a row is: a user is the subject of their own row; the rest name a userId.
  guard.registerStore(asDataStore('users', stores.users, (row) => row.id));
  for (const name of [
    'enrollments',
    'feedback',
    'notes',
    'certificates',
    'absences',
    'chats',
  ] as const)
    guard.registerStore(asDataStore(name, stores[name], (row) => row.userId));
  const tenantOf = (req: Request) => principalOf(req)!.tenant;
  /** Every read of personal data is reported: a cross-tenant one, or a bulk one, is a signal. */
  const read = (req: Request, resourceTenant: string, subjectCount: number) => {
    const principal = principalOf(req)!;
    return guard.recordAccess({
      principalTenant: principal.tenant,
      resourceTenant,
      subjectCount,
      principal: principal.id,
    });
  };
  const create = (store: MemoryStore<Row>) => (req: Request, res: Response) => {
    res.status(201).json(store.insert(tenantOf(req), (req.body ?? {}) as Row));
  };
  const list = (store: MemoryStore<Row>) => async (req: Request, res: Response) => {
    const rows = store.list(tenantOf(req));
    await read(req, tenantOf(req), rows.length);
    res.json(rows);
  };
  const one = (store: MemoryStore<Row>) => async (req: Request, res: Response) => {
    const row = store.lookup(String(req.params.id));
    if (row !== undefined) await read(req, row.tenant, 1);
    // Another tenant's record is reported above and answered as if it did not exist.
    if (row === undefined || row.tenant !== tenantOf(req))
      res.status(404).json({ error: 'no such record' });
    else res.json(row);
  };

  app.post('/users', dpa.purpose('provide'), create(stores.users));
  app.get('/users', dpa.purpose('provide'), list(stores.users));
  app.get('/users/:id', dpa.purpose('provide'), one(stores.users));
  app.patch('/users/:id/profile', dpa.purpose('provide'), (req, res) => {
    const user = stores.users.update(tenantOf(req), String(req.params.id), (req.body ?? {}) as Row);
    if (user === undefined) res.status(404).json({ error: 'no such record' });
    else res.json(user);
  });
  app.get('/courses', dpa.purpose('provide'), list(stores.courses));
  app.post('/courses', dpa.purpose('provide'), create(stores.courses));
  app.post('/enrollments', dpa.purpose('provide'), async (req, res) => {
    const enrollment = stores.enrollments.insert(tenantOf(req), (req.body ?? {}) as Row);
    // A confirmation through the EEA mailer: a transfer the outbound guard allows.
    const mailed = await options.subprocessors?.sendMail({
      to: `enrollment-${String(enrollment.id)}`,
      subject: 'Inschrijving bevestigd',
    });
    res
      .status(201)
      .json({ ...enrollment, confirmation: mailed === undefined ? 'not sent' : 'sent' });
  });
  // A course video to the US host without DPF or SCCs: the outbound guard stops it.
  app.post('/courses/:id/videos', dpa.purpose('provide'), async (req, res) => {
    const status = await options.subprocessors?.uploadVideo({
      course: String(req.params.id),
      title: titleOf(req.body),
    });
    res.status(202).json({ upload: status === undefined ? 'no video host configured' : status });
  });
  app.post('/courses/:id/feedback', dpa.purpose('improve'), create(stores.feedback));
  app.post('/notes', dpa.purpose('provide'), create(stores.notes));
  app.post('/certificates', dpa.purpose('provide'), create(stores.certificates));
  app.post('/absences', dpa.purpose('provide'), create(stores.absences));
  app.post('/support/chats', dpa.purpose('support'), create(stores.chats));
  app.get('/support/chats', dpa.purpose('support'), list(stores.chats));
  // A route that forgot its purpose: strict mode refuses writes to it.
  app.post('/imports', create(stores.enrollments));
  app.use(
    '/admin',
    adminRouter(guard, dpa, {
      exportDir: options.exportDir ?? join('.dpa-guard', 'exports'),
      read: (req, subjects) => read(req, tenantOf(req), subjects),
      exportAll: (tenant) =>
        Object.fromEntries(
          Object.entries(stores).map(([name, store]) => [name, store.list(tenant)]),
        ),
    }),
  );
  app.use(dpaErrorHandler());
  return { app, guard, dpa };
}

function titleOf(body: unknown): string {
  const title = (body as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' ? title : '';
}
