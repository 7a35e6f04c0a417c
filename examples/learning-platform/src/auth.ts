import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/**
 * Who calls: a member of a tenant (a learner, an instructor, a planner) or the tenant's
 * admin, the controller's representative (clauses 7 and 12.2). The tenant comes from the
 * credential, never from a header the client chooses.
 */
export interface Principal {
  id: string;
  tenant: string;
  role: 'member' | 'admin';
}

/** A bearer token and whose it is. */
export interface Credential extends Principal {
  token: string;
}

/** The demo's credentials: a member and an admin token for each tenant of the policy. */
export function demoCredentials(tenants: readonly string[]): Credential[] {
  return tenants.flatMap((tenant) => [
    { token: `demo-member-${tenant}`, id: `member of ${tenant}`, tenant, role: 'member' as const },
    { token: `demo-admin-${tenant}`, id: `admin of ${tenant}`, tenant, role: 'admin' as const },
  ]);
}

const principals = new WeakMap<Request, Principal>();

/** The principal `authenticate` found for this request. */
export function principalOf(req: Request): Principal | undefined {
  return principals.get(req);
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * Every request but the health check needs `Authorization: Bearer <token>`; 401
 * problem+json otherwise. Tokens are compared as SHA-256 digests with timingSafeEqual, all of
 * them, so the time an answer takes says nothing about how much of a token was right.
 */
export function authenticate(credentials: readonly Credential[]): RequestHandler {
  const known = credentials.map((c) => ({ digest: digest(c.token), principal: toPrincipal(c) }));
  return function authenticateBearer(req, res, next) {
    const token = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '')?.[1];
    let found: Principal | undefined;
    if (token !== undefined) {
      const given = digest(token);
      for (const k of known) if (timingSafeEqual(given, k.digest)) found ??= k.principal;
    }
    if (found === undefined) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer')
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            detail: 'Give a bearer token of your tenant: Authorization: Bearer <token>.',
          }),
        );
      return;
    }
    principals.set(req, found);
    next();
  };
}

function toPrincipal({ id, tenant, role }: Credential): Principal {
  return Object.freeze({ id, tenant, role });
}
