import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, EXAMPLE_POLICY } from '../examples/learning-platform/src/app.js';
import {
  startHookReceiver,
  type ReceivedSignal,
} from '../examples/learning-platform/src/hook-receiver.js';
import { serve } from '../examples/learning-platform/src/serve.js';
import { listen } from './support/http.js';

// The example as a platform would build it: the tenant is the credential's, reads are
// reported, the admin endpoints are the controller's. Each test here is an attack that
// worked when the tenant was a header anyone could set.
process.env.DPA_GUARD_AUDIT_SIGNING_KEY ??= generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JANSEN = bearer('demo-member-bouwbedrijf-jansen');
const JANSEN_ADMIN = bearer('demo-admin-bouwbedrijf-jansen');
const FLEX = bearer('demo-member-uitzendbureau-flex');
const FLEX_ADMIN = bearer('demo-admin-uitzendbureau-flex');

describe('the example platform: one tenant never reaches another', () => {
  const secret = `whsec_${Buffer.from('isolation-hook-secret-32-bytes-long').toString('base64')}`;
  const received: ReceivedSignal[] = [];
  let receiver: Awaited<ReturnType<typeof startHookReceiver>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let close: () => Promise<void>;
  const call = async (method: string, path: string, headers: object, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes
    const answer: any = text === '' ? {} : JSON.parse(text);
    return { status: res.status, body: answer };
  };
  const signals = async (kind: string, count = 1) => {
    for (let i = 0; i < 250 && received.filter((r) => r.type === kind).length < count; i++)
      await new Promise((r) => setTimeout(r, 20));
    return received.filter((r) => r.type === kind);
  };

  beforeAll(async () => {
    receiver = await startHookReceiver({
      port: 0,
      secret: () => secret,
      onSignal: (s) => received.push(s),
    });
    const hookPort = (receiver.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'dpa-isolation-'));
    const { app, guard } = createApp({
      guard: {
        policy: [
          ...EXAMPLE_POLICY,
          {
            name: 'hook.json',
            document: {
              version: 'isolation',
              breach: {
                hooks: {
                  'controller-alerts': {
                    url: `http://127.0.0.1:${String(hookPort)}/dpa/breach`,
                    secretEnv: 'HOOK_SECRET',
                  },
                },
                massExport: { subjects: 5, windowMinutes: 60 },
              },
            },
          },
        ],
        audit: { dir: join(dir, 'audit') },
        breach: { dir: join(dir, 'breach'), env: { HOOK_SECRET: secret }, logger: false },
      },
      middleware: { logger: false },
      exportDir: join(dir, 'exports'),
    });
    server = await listen(app);
    close = async () => {
      await server.close();
      await guard.close();
      receiver.close();
    };
  });
  afterAll(() => close());

  it('answers no route without a credential of a tenant, whatever header names a tenant', async () => {
    for (const [method, path] of [
      ['GET', '/users/legacy-1'],
      ['GET', '/support/chats'],
      ['POST', '/enrollments'],
    ] as const) {
      for (const headers of [
        {},
        { 'x-tenant-id': 'bouwbedrijf-jansen' },
        bearer('demo-member-bouwbedrijf-jansen-but-longer'),
        bearer('demo-member-bouwbedrijf-janse'),
        bearer('demo-member-unknown-tenant'),
      ]) {
        const res = await call(method, path, headers, method === 'POST' ? { a: 1 } : undefined);
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
      }
    }
    expect((await call('GET', '/health', {})).status).toBe(200);
  });

  it('takes the tenant from the credential: a header naming another one changes nothing', async () => {
    const created = await call('POST', '/support/chats', JANSEN, { msg: 'Hallo, vraag over VCA' });
    expect(created.status).toBe(201);
    expect(created.body.tenant).toBe('bouwbedrijf-jansen');
    const spoofed = await call(
      'POST',
      '/support/chats',
      { ...FLEX, 'x-tenant-id': 'bouwbedrijf-jansen' },
      { msg: 'ook een vraag' },
    );
    expect(spoofed.body.tenant).toBe('uitzendbureau-flex');
    const flexChats = await call('GET', '/support/chats', {
      ...FLEX,
      'x-tenant-id': 'bouwbedrijf-jansen',
    });
    expect(flexChats.body.map((c: { tenant: string }) => c.tenant)).toEqual(['uitzendbureau-flex']);
  });

  it("answers a read of another tenant's record with 404 and signals it at the controller's hook", async () => {
    const read = await call('GET', '/users/legacy-1', FLEX);
    expect(read.status).toBe(404);
    const [signal] = await signals('breach.cross-tenant-access');
    expect(signal).toMatchObject({
      valid: true,
      data: { kind: 'cross-tenant-access', tenants: ['bouwbedrijf-jansen'] },
    });
    expect(JSON.stringify(received)).not.toContain('111222333');
  });

  it('signals a bulk export of more subjects than the policy allows', async () => {
    for (let i = 0; i < 6; i++)
      expect((await call('POST', '/users', FLEX, { name: `Medewerker ${String(i)}` })).status).toBe(
        201,
      );
    expect((await call('GET', '/admin/export', FLEX)).status).toBe(403); // a member may not
    const exported = await call('GET', '/admin/export', FLEX_ADMIN);
    expect(exported.status).toBe(200);
    const [signal] = await signals('breach.mass-export');
    expect(signal).toMatchObject({
      data: { kind: 'mass-export', tenants: ['uitzendbureau-flex'], approximateSubjects: 6 },
    });
  });

  it('refuses a bad subject request with 400, never 500', async () => {
    for (const body of [
      { kind: 'access', subjectId: {} },
      { kind: 'access', subjectId: '' },
      { kind: 'access', subjectId: 'x'.repeat(5000) },
      { kind: 'access', subjectId: '../../etc/passwd' },
      { kind: 'delete-everything', subjectId: 'legacy-1' },
      { kind: 'rectify', subjectId: 'legacy-1', changes: 'all' },
      [],
    ]) {
      const res = await call('POST', '/admin/subject-requests', JANSEN_ADMIN, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
    }
  });

  it("lets only the request's own controller retry it", async () => {
    const started = await call('POST', '/admin/subject-requests', JANSEN_ADMIN, {
      kind: 'access',
      subjectId: 'legacy-1',
    });
    expect(started.status).toBe(200);
    // A finished request is not kept: retrying it is 404 for everyone, as is another tenant's.
    expect(
      (await call('POST', `/admin/subject-requests/${String(started.body.id)}/retry`, JANSEN))
        .status,
    ).toBe(403);
    expect(
      (await call('POST', `/admin/subject-requests/${String(started.body.id)}/retry`, FLEX_ADMIN))
        .status,
    ).toBe(404);
  });
});

describe('the example refuses to start with a credential for a tenant it does not serve', () => {
  it('throws at start-up', () => {
    expect(() =>
      createApp({
        credentials: [{ token: 't', id: 'x', tenant: 'nobody', role: 'member' }],
        middleware: { logger: false },
      }),
    ).toThrow(/nobody is not in the policy/);
  });
});

describe('the example server ends a request that sends its body too slowly', () => {
  it('answers 408 and closes the connection once the request timeout passes', async () => {
    const { app, guard } = createApp({ middleware: { logger: false } });
    const server = await serve(app, 0, { headersTimeoutMs: 400, requestTimeoutMs: 800 });
    const port = (server.address() as { port: number }).port;
    try {
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            'POST /enrollments HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n' +
              'authorization: Bearer demo-member-bouwbedrijf-jansen\r\ncontent-length: 1000\r\n\r\n{"a":',
          );
        });
        let text = '';
        socket.on('data', (c) => (text += c.toString()));
        socket.on('close', () => resolve(text));
        // A client that would trickle forever: the test gives up long after the timeout.
        setTimeout(() => socket.destroy(), 20_000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      server.close();
      await guard.close();
    }
  });
});
