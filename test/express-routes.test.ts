import { createGuard, InMemoryBreachSink, type Decision } from '@dpa-guard/sdk';
import { dpaGuard } from '@dpa-guard/express';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen, logCapture } from './support/http.js';

// The adapter on routes the example platform does not have: mounted routers, path arrays
// and expressions, a parser before the guard, paths in another letter case.
const BSN = '111222333';

function app(options: { rawFirst?: boolean } = {}) {
  const sink = new InMemoryBreachSink();
  const guard = createGuard({ audit: { enabled: false }, breachSink: sink });
  const log = logCapture();
  const decisions: Decision[] = [];
  const dpa = dpaGuard({
    guard,
    logger: log.logger,
    tenant: () => 'acme',
    responses: ['GET /users/:id'],
    onDecision: (d) => decisions.push(d),
  });
  const a = express();
  if (options.rawFirst === true) a.use(express.raw({ type: '*/*' }));
  a.use(dpa);
  const people = express.Router({ mergeParams: true });
  people.post('/notes', dpa.purpose('provide'), (_req, res) => res.status(201).json({}));
  a.use('/people/:personId', people);
  a.post(['/multi/:id', '/other'], dpa.purpose('provide'), (_req, res) => res.status(201).json({}));
  a.post(/^\/rx\/(\d+)$/, dpa.purpose('provide'), (_req, res) => res.status(201).json({}));
  a.get('/users/:id', dpa.purpose('provide'), (_req, res) => res.json({ bsn: BSN }));
  return { app: a, sink, log, decisions };
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('routes as declared, never the path a request carries', () => {
  it('names mounted, listed and expression routes by their pattern, so an id in the path stays out of logs', async () => {
    const { app: a, log, decisions } = app();
    const server = await listen(a);
    try {
      for (const path of [`/people/${BSN}/notes`, `/multi/${BSN}`, `/rx/${BSN}`])
        expect((await post(`${server.url}${path}`, { remark: 'prima' })).status, path).toBe(201);
    } finally {
      await server.close();
    }
    expect(decisions.map((d) => d.route)).toEqual([
      'POST /people/:personId/notes',
      'POST /multi/:id',
      'POST /^\\/rx\\/(\\d+)$/',
    ]);
    expect(decisions.map((d) => d.purpose)).toEqual(['provide', 'provide', 'provide']);
    expect(log.lines.join('')).not.toContain(BSN);
  });
});

describe('a body another parser read first', () => {
  it('is refused as uninspectable raw bytes, not passed unread', async () => {
    const { app: a } = app({ rawFirst: true });
    const server = await listen(a);
    try {
      const res = await post(`${server.url}/other`, { remark: `BSN ${BSN}` });
      expect(res.status).toBe(415);
      const text = await res.text();
      expect(text).not.toContain(BSN);
      const problem = JSON.parse(text) as { code: string; detail: string };
      expect(problem.code).toBe('DPA_ERR_UNSUPPORTED_BODY');
      expect(problem.detail).toContain('before dpa-guard');
    } finally {
      await server.close();
    }
  });
});

describe('the response check', () => {
  it('sees a route in any letter case, as Express routes it', async () => {
    const { app: a, sink } = app();
    const server = await listen(a);
    try {
      for (const path of ['/users/1', '/USERS/2', '/Users/3/'])
        expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
    } finally {
      await server.close();
    }
    expect(sink.reports).toHaveLength(3);
    expect(JSON.stringify(sink.reports)).not.toContain(BSN);
  });
});

describe('a form with more fields than the parser reads', () => {
  it('is refused as too large, not as unreadable', async () => {
    const { app: a } = app();
    const server = await listen(a);
    try {
      const form = Array.from({ length: 1001 }, (_, i) => `f${String(i)}=x`).join('&');
      const res = await fetch(`${server.url}/other`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('DPA_ERR_BODY_TOO_LARGE');
    } finally {
      await server.close();
    }
  });
});

describe('a body over the limit under monitor', () => {
  function monitorApp(received: unknown[]) {
    const guard = createGuard({
      audit: { enabled: false },
      policy: [
        {
          name: 'small.json',
          document: {
            version: 'small',
            mode: 'monitor',
            detection: { limits: { maxBodyBytes: 1000 } },
          },
        },
      ],
    });
    const a = express();
    const dpa = dpaGuard({ guard, logger: false });
    a.use(dpa);
    a.post('/imports', dpa.purpose('provide'), express.json({ limit: '1mb' }), (req, res) => {
      received.push(req.body);
      res.status(201).json({});
    });
    return a;
  }

  it('goes on to the route whole when its length was declared', async () => {
    const received: unknown[] = [];
    const server = await listen(monitorApp(received));
    const rows = Array.from({ length: 100 }, (_, i) => ({ row: i, text: 'een regel tekst' }));
    try {
      expect((await post(`${server.url}/imports`, { rows })).status).toBe(201);
    } finally {
      await server.close();
    }
    expect(received).toEqual([{ rows }]);
  });

  it('is refused, not passed on empty, when it came without a length and was read', async () => {
    const received: unknown[] = [];
    const server = await listen(monitorApp(received));
    const text = JSON.stringify({ rows: 'x'.repeat(5000) });
    try {
      const res = await fetch(`${server.url}/imports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(text));
            controller.close();
          },
        }),
        duplex: 'half',
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { detail: string }).detail).toContain('Content-Length');
    } finally {
      await server.close();
    }
    expect(received).toEqual([]);
  });
});

describe('tenant ids from the request', () => {
  it('refuses one that is not a tenant id, or holds a BSN, with 400 problem+json and nothing logged of it', async () => {
    const sink = new InMemoryBreachSink();
    const guard = createGuard({ audit: { enabled: false }, breachSink: sink });
    const log = logCapture();
    const decisions: Decision[] = [];
    const dpa = dpaGuard({
      guard,
      logger: log.logger,
      tenant: (req) => req.get('x-tenant-id'),
      onDecision: (d) => decisions.push(d),
    });
    const a = express();
    a.use(dpa);
    a.post('/notes', dpa.purpose('provide'), (_req, res) => res.status(201).json({}));
    a.get('/notes', dpa.purpose('provide'), (_req, res) => res.json([]));
    const server = await listen(a);
    try {
      for (const tenant of [BSN, `acme-${BSN}`, '../../etc', 'x'.repeat(8000), 'Acme'])
        for (const method of ['POST', 'GET']) {
          const res = await fetch(`${server.url}/notes`, {
            method,
            headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
            ...(method === 'POST' ? { body: '{"remark":"prima"}' } : {}),
          });
          const body = (await res.json()) as { code: string; detail: string };
          expect([res.status, body.code], `${method} ${tenant.slice(0, 20)}`).toEqual([
            400,
            'DPA_ERR_TENANT_INVALID',
          ]);
          expect(body.detail).not.toContain(tenant);
        }
      const ok = await post(`${server.url}/notes`, { remark: 'prima' });
      expect(ok.status).toBe(201); // no tenant at all is the requireTenant option's business
    } finally {
      await server.close();
    }
    expect(log.lines.join('')).not.toContain(BSN);
    expect(decisions.map((d) => d.tenant)).toEqual([undefined]);
  });
});
