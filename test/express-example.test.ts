import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InMemoryBreachSink, type AuditRecord, type Decision } from '@dpa-guard/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// The engine class behind @dpa-guard/sdk (not public), to see which path a write took.
import { DetectionEngine } from '../packages/sdk/dist/detect/engine.js';
import { createApp, EXAMPLE_POLICY } from '../examples/learning-platform/src/app.js';
import {
  startHookReceiver,
  type ReceivedSignal,
} from '../examples/learning-platform/src/hook-receiver.js';
import {
  createSubprocessors,
  startMailerStandIn,
} from '../examples/learning-platform/src/subprocessors.js';
import { listen, logCapture } from './support/http.js';
import { installTestTelemetry } from './support/otel.js';

// The example's policy requires signed audit checkpoints: a key for the tests, from outside.
process.env.DPA_GUARD_AUDIT_SIGNING_KEY ??= generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const MEMBER = { authorization: 'Bearer demo-member-bouwbedrijf-jansen' };
const OTHER_MEMBER = { authorization: 'Bearer demo-member-uitzendbureau-flex' };

// Values that must never show up in a log line, a span or a response.
const SECRET_BSN = '111222333';
const SECRET_HEALTH = 'chemokuur';

/** The parts of an answer the tests read: a problem+json body or a created record. */
interface Body {
  code?: string;
  transfer?: unknown;
  status?: number;
  policyVersion?: string;
  findings?: { category: string; path: string }[];
  id?: string;
}
type Post = (
  path: string,
  body: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; type: string; body: Body; text: string }>;

function client(url: string): Post {
  return async (path, body, headers = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...MEMBER,
        ...headers,
      },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Body = {};
    try {
      parsed = JSON.parse(text) as Body;
    } catch {
      // not JSON: the tests that care check `text` or `type`
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: parsed, text };
  };
}

describe('the example platform with the guard (enforce)', () => {
  const telemetry = installTestTelemetry();
  const logs = logCapture();
  const decisions: Decision[] = [];
  const responses: string[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let guard: ReturnType<typeof createApp>['guard'];
  let post: Post;

  beforeAll(async () => {
    const created = createApp({
      middleware: { logger: logs.logger, onDecision: (d) => decisions.push(d) },
      // The span a platform's HTTP instrumentation would open, first in the chain.
      before: [telemetry.requestSpan],
    });
    guard = created.guard;
    server = await listen(created.app);
    const raw = client(server.url);
    post = async (...args) => {
      const r = await raw(...args);
      responses.push(r.text);
      return r;
    };
  });
  afterAll(async () => {
    await server.close();
    telemetry.uninstall();
  });

  it('lets clean writes through', async () => {
    expect(
      (
        await post('/enrollments', {
          courseCode: 'VCA-B',
          participant: 'Sanne de Vries',
          remark: 'Graag het certificaat naar de werkgever.',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post('/courses/vca-b/feedback', {
          rating: 4,
          comment: 'Duidelijke uitleg over valbeveiliging.',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post('/courses', {
          title: 'Hittestress',
          lesson: { body: 'Herken de symptomen van hittestress: hoofdpijn en duizeligheid.' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post('/notes', 'Cursist was op tijd en deed goed mee.', {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(201);
  });

  it.each([
    [
      'bsn',
      '/enrollments',
      { participant: 'Kees', remark: `BSN ${SECRET_BSN} ontbreekt nog` },
      '/remark',
    ],
    [
      'health',
      '/courses/vca-b/feedback',
      { comment: `Ik mis de praktijkdag want ik zit midden in mijn ${SECRET_HEALTH}.` },
      '/comment',
    ],
    [
      'religion',
      '/notes',
      { note: 'Cursist is moslim en vast tijdens de ramadan, graag geen lunch plannen.' },
      '/note',
    ],
    ['criminal', '/notes', { note: 'Hij heeft een strafblad voor diefstal.' }, '/note'],
    [
      'sexual_orientation',
      '/courses/vca-b/feedback',
      { comment: 'Als homo vond ik de grappen van de docent niet oké.' },
      '/comment',
    ],
    [
      'ethnicity',
      '/users',
      { name: 'A. Yilmaz', profile: { etnischeAfkomst: 'Turks-Koerdisch' } },
      '/profile/etnischeAfkomst',
    ],
    [
      'political',
      '/support/chats',
      { messages: ['Ik ben lid van de SP en wil korting.'] },
      '/messages/0',
    ],
    [
      'trade_union',
      '/support/chats',
      { text: 'Ik ben vakbondslid bij de FNV, kan de bond de cursus betalen?' },
      '/text',
    ],
    [
      'genetic',
      '/notes',
      { note: 'Uit een DNA-test bleek dat zij draagster is van een erfelijke aandoening.' },
      '/note',
    ],
    [
      'biometric',
      '/users',
      {
        name: 'B',
        checkIn: { fingerprintTemplate: 'Rk1SACAyMAAAAAFiAAABQAHgAMUAxQEAAAAoQ0CEAEGgXQ' },
      },
      '/checkIn/fingerprintTemplate',
    ],
  ])(
    'blocks %s with 422 problem+json and the right pointer',
    async (category, path, body, pointer) => {
      const r = await post(path, body);
      expect(r.status).toBe(422);
      expect(r.type).toContain('application/problem+json');
      expect(r.body).toMatchObject({
        status: 422,
        code: 'DPA_ERR_BLOCKED',
        title: expect.any(String),
        type: expect.any(String),
        detail: expect.any(String),
      });
      expect(r.body.policyVersion).toBe('2026.11.1+bouwbedrijf-jansen.3');
      expect(r.body.findings).toContainEqual({ category, path: pointer });
    },
  );

  it('screens the JSON bytes as sent, and walks the parsed body only when they could hold something', async () => {
    const screened = vi.spyOn(DetectionEngine.prototype, 'detectJson');
    const walked = vi.spyOn(DetectionEngine.prototype, 'detect');
    try {
      const clean = '{ "courseCode": "VCA-B", "remark": "Café Zuid was dicht; graag online." }';
      expect((await post('/enrollments', clean)).status).toBe(201);
      expect(screened).toHaveBeenCalledTimes(1);
      expect(Buffer.from(screened.mock.calls[0]![0]).toString()).toBe(clean);
      expect(walked).not.toHaveBeenCalled();
      expect((await post('/enrollments', { remark: 'Ik ben vakbondslid' })).status).toBe(422);
      expect(walked).toHaveBeenCalledTimes(1);
    } finally {
      screened.mockRestore();
      walked.mockRestore();
    }
  });

  it('refuses a write to a route without a purpose (strict)', async () => {
    const r = await post('/imports', { rows: [] });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('DPA_ERR_PURPOSE_MISSING');
  });

  it('answers malformed JSON with a problem+json 400, not an HTML page', async () => {
    const r = await post('/enrollments', `{"remark": "BSN ${SECRET_BSN}",`);
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.code).toBe('DPA_ERR_MALFORMED_BODY');
  });

  it('refuses what it cannot inspect: too deep, too large, multipart, compressed', async () => {
    const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
    expect((await post('/enrollments', deep)).body.code).toBe('DPA_ERR_UNINSPECTABLE');
    const large = await post('/enrollments', { remark: 'x'.repeat(2 * 1024 * 1024) });
    expect([large.status, large.body.code]).toEqual([413, 'DPA_ERR_BODY_TOO_LARGE']);
    const multipart = await post('/enrollments', '--b\r\n\r\nx\r\n--b--', {
      'content-type': 'multipart/form-data; boundary=b',
    });
    expect([multipart.status, multipart.body.code]).toEqual([415, 'DPA_ERR_UNSUPPORTED_BODY']);
    const gz = await post(
      '/enrollments',
      gzipSync(JSON.stringify({ remark: `BSN ${SECRET_BSN}` })),
      { 'content-encoding': 'gzip' },
    );
    expect([gz.status, gz.body.code]).toEqual([415, 'DPA_ERR_UNSUPPORTED_BODY']);
  });

  it('is safe with prototype keys', async () => {
    const r = await post(
      '/enrollments',
      `{"__proto__": {"remark": "BSN ${SECRET_BSN}"}, "constructor": {"prototype": {"x": 1}}}`,
    );
    expect(r.status).toBe(422);
    expect(r.body.findings).toContainEqual({ category: 'bsn', path: '/__proto__/remark' });
    expect(({} as Record<string, unknown>).remark).toBeUndefined();
  });

  describe('tenant exceptions (clause 3.2)', () => {
    const absence = { learner: 'Kees Jansen', reason: 'ziek gemeld met rugklachten' };

    it('lets the tenant with a written exception through, on its field and route, and records the agreement', async () => {
      decisions.length = 0;
      expect((await post('/absences', absence)).status).toBe(201);
      expect(decisions.at(-1)?.exceptions).toEqual([
        {
          category: 'health',
          path: '/reason',
          agreement: 'VO-2026-014 (verzuimregistratie, getekend 2026-10-01)',
          expires: '2099-12-31',
        },
      ]);
    });

    it('does not let another tenant, another field or another route through', async () => {
      expect((await post('/absences', absence, OTHER_MEMBER)).status).toBe(422);
      expect((await post('/absences', { learner: 'K', remark: absence.reason })).status).toBe(422);
      expect((await post('/notes', { reason: absence.reason })).status).toBe(422);
    });
  });

  it('puts the evidence in spans, metrics, logs and the audit trail, never the values', async () => {
    const spans = telemetry.exporter.getFinishedSpans();
    const blocked = spans.find(
      (s) =>
        s.attributes['dpa.decision'] === 'block' &&
        (s.attributes['dpa.categories'] as string[]).includes('bsn'),
    );
    expect(blocked?.attributes).toMatchObject({
      'dpa.purpose': 'provide',
      'dpa.tenant': 'bouwbedrijf-jansen',
      'dpa.policy.version': '2026.11.1+bouwbedrijf-jansen.3',
    });
    const passed = spans.find((s) => s.attributes['dpa.decision'] === 'pass');
    expect(passed?.attributes['dpa.categories']).toEqual([]);
    const points = await telemetry.metricPoints('dpa.decisions');
    expect(points.some((p) => p.attributes['dpa.decision'] === 'block' && p.value >= 10)).toBe(
      true,
    );
    const lines = logs.parsed();
    expect(lines.some((l) => (l.dpa as { decision: string }).decision === 'block')).toBe(true);
    // The trail's records are written off the request path: read them once they are on disk.
    const audit: AuditRecord[] = [];
    for await (const record of guard.audit!.journal.records()) audit.push(record);
    expect(
      audit.filter((r) => r.kind === 'inspection' && r.decision === 'block').length,
    ).toBeGreaterThanOrEqual(10);
    expect(audit.some((r) => r.kind === 'exception-used')).toBe(true);
    const everything = [
      JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
      ),
      logs.lines.join('\n'),
      responses.join('\n'),
      JSON.stringify(audit),
    ].join('\n');
    for (const secret of [
      SECRET_BSN,
      SECRET_HEALTH,
      '111.222.333',
      'strafblad',
      'moslim',
      'vakbondslid',
      'Turks-Koerdisch',
      'Rk1SACAyMAAA',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('the example platform in monitor mode', () => {
  it('lets a forbidden write through, records it, and reports a leak when it goes out again', async () => {
    const sink = new InMemoryBreachSink();
    const decisions: Decision[] = [];
    const logs = logCapture();
    const { app } = createApp({
      guard: {
        policy: [
          {
            name: 'monitor.json',
            document: {
              version: 'monitor-1',
              mode: 'monitor',
              tenants: { 'bouwbedrijf-jansen': {} },
            },
          },
        ],
        breachSink: sink,
      },
      middleware: { logger: logs.logger, onDecision: (d) => decisions.push(d) },
    });
    const server = await listen(app);
    try {
      const post = client(server.url);
      const created = await post('/users', { name: 'Kees', bsn: SECRET_BSN });
      expect(created.status).toBe(201);
      expect(decisions.at(-1)).toMatchObject({
        outcome: 'monitor',
        blocked: false,
        findings: [{ category: 'bsn', path: '/bsn' }],
      });
      const read = await fetch(`${server.url}/users/${String(created.body.id)}`, {
        headers: MEMBER,
      });
      expect(read.status).toBe(200);
      await read.text();
      expect(sink.reports).toEqual([
        expect.objectContaining({
          kind: 'leak-in-response',
          tenants: ['bouwbedrijf-jansen'],
          categories: ['bsn'],
          paths: ['/bsn'],
          route: 'GET /users/:id',
        }),
      ]);
      expect(JSON.stringify(sink.reports) + logs.lines.join('')).not.toContain(SECRET_BSN);
    } finally {
      await server.close();
    }
  });
});

describe('tenant exceptions hold only between their dates', () => {
  it('does not apply before "since" or after "expires", judged at the time of the write', async () => {
    let now = new Date('2026-10-15T12:00:00Z');
    const { app } = createApp({
      guard: {
        clock: () => now,
        policy: [
          { name: 'platform.json', document: { version: 'dates-1' } },
          {
            name: 'acme.json',
            document: {
              tenant: 'bouwbedrijf-jansen',
              version: '1',
              exceptions: [
                {
                  category: 'health',
                  fields: ['/reason'],
                  agreement: 'VO-2026-020',
                  since: '2026-11-01',
                  expires: '2026-12-31',
                },
              ],
            },
          },
        ],
      },
      middleware: { logger: false },
    });
    const server = await listen(app);
    try {
      const post = client(server.url);
      const absence = { learner: 'K', reason: 'ik ben ziek gemeld' };
      expect((await post('/absences', absence)).status).toBe(422); // before since
      now = new Date('2026-11-25T12:00:00Z');
      expect((await post('/absences', absence)).status).toBe(201); // in force
      now = new Date('2027-01-01T00:00:01Z');
      expect((await post('/absences', absence)).status).toBe(422); // expired
    } finally {
      await server.close();
    }
  });
});

describe('the example platform calls its subprocessors through the outbound guard', () => {
  it('mails through the EEA mailer and stops the US video host before anything is sent', async () => {
    const mailer = await startMailerStandIn();
    const sink = new InMemoryBreachSink();
    const { app, guard } = createApp({
      guard: { breachSink: sink },
      middleware: { logger: false },
      subprocessors: createSubprocessors({ mailerPort: mailer.port }),
    });
    const outbound = guard.protectOutbound();
    const server = await listen(app);
    try {
      const post = client(server.url);
      const enrolled = await post('/enrollments', { courseCode: 'VCA-B', participant: 'Sanne' });
      expect(enrolled.status).toBe(201);
      expect(mailer.received()).toBe(1);
      const video = await post('/courses/vca-b/videos', { title: 'Veilig werken op hoogte' });
      expect(video.status).toBe(500);
      expect(video.type).toContain('application/problem+json');
      expect(video.body).toMatchObject({
        code: 'DPA_ERR_TRANSFER_BLOCKED',
        transfer: {
          subprocessor: 'videohost-us',
          country: 'US',
          reasons: ['no-basis', 'dpf-not-certified'],
        },
      });
      expect(sink.reports).toEqual([
        expect.objectContaining({
          kind: 'blocked-transfer',
          tenants: ['bouwbedrijf-jansen'],
          purpose: 'provide',
        }),
      ]);
    } finally {
      outbound.restore();
      await server.close();
      await mailer.close();
    }
  });
});

describe('a leak in a response reaches the controller hook as a signed breach signal', () => {
  it('signals, delivers with a valid signature, and never carries the BSN', async () => {
    const secret = `whsec_${Buffer.from('example-hook-secret-32-bytes-long').toString('base64')}`;
    const received: ReceivedSignal[] = [];
    const receiver = await startHookReceiver({
      port: 0,
      secret: () => secret,
      onSignal: (s) => received.push(s),
    });
    const hookPort = (receiver.address() as { port: number }).port;
    const logs = logCapture();
    const { app, guard } = createApp({
      guard: {
        policy: [
          ...EXAMPLE_POLICY,
          {
            name: 'hook.json',
            document: {
              version: 'hook-test',
              breach: {
                hooks: {
                  'controller-alerts': {
                    url: `http://127.0.0.1:${String(hookPort)}/dpa/breach`,
                    secretEnv: 'HOOK_SECRET',
                  },
                },
              },
            },
          },
        ],
        breach: {
          dir: mkdtempSync(join(tmpdir(), 'dpa-example-breach-')),
          env: { HOOK_SECRET: secret },
          logger: logs.logger,
        },
      },
      middleware: { logger: logs.logger },
    });
    const server = await listen(app);
    try {
      const read = await fetch(`${server.url}/users/legacy-1`, {
        headers: MEMBER,
      });
      expect(read.status).toBe(200);
      await read.text();
      for (let i = 0; i < 100 && received.length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(received).toEqual([
        expect.objectContaining({
          type: 'breach.leak-in-response',
          valid: true,
          data: expect.objectContaining({ tenants: ['bouwbedrijf-jansen'], categories: ['bsn'] }),
        }),
      ]);
      // The hook has answered; the outbox records the delivery right after.
      let [status] = await guard.breaches!.list();
      for (let i = 0; i < 100 && status?.state !== 'delivered'; i++) {
        await new Promise((r) => setTimeout(r, 20));
        [status] = await guard.breaches!.list();
      }
      expect(status).toMatchObject({ state: 'delivered' });
      expect(JSON.stringify(received) + logs.lines.join('')).not.toContain('111222333');
    } finally {
      await server.close();
      await guard.close();
      receiver.close();
    }
  });
});

describe("the controller's admin endpoints: subject requests and offboarding", () => {
  it('answers the controller, refuses anyone else, and offboards with a verified export', async () => {
    const exportDir = mkdtempSync(join(tmpdir(), 'dpa-example-exports-'));
    const { app, guard } = createApp({ middleware: { logger: false }, exportDir });
    const server = await listen(app);
    try {
      const post = client(server.url);
      const admin = { authorization: 'Bearer demo-admin-bouwbedrijf-jansen' };
      const user = await post('/users', { name: 'Kees Jansen' });
      await post('/enrollments', { userId: user.body.id, courseCode: 'VCA-B' });
      const refused = await post('/admin/subject-requests', {
        kind: 'access',
        subjectId: user.body.id,
      });
      expect([refused.status, refused.body.code]).toEqual([403, 'DPA_ERR_REQUEST_REFUSED']);
      const access = await post(
        '/admin/subject-requests',
        { kind: 'access', subjectId: user.body.id },
        admin,
      );
      expect(access.status).toBe(200);
      const stores = (access.body as unknown as { stores: { store: string; records: number }[] })
        .stores;
      expect(stores.filter((s) => s.records > 0).map((s) => s.store)).toEqual([
        'users',
        'enrollments',
      ]);
      // Another tenant's admin asks about the same subject id: only its own stores answer.
      const otherTenant = await post(
        '/admin/subject-requests',
        { kind: 'access', subjectId: user.body.id },
        { authorization: 'Bearer demo-admin-uitzendbureau-flex' },
      );
      expect(otherTenant.status).toBe(200);
      expect(
        (otherTenant.body as unknown as { stores: { records: number }[] }).stores.every(
          (s) => s.records === 0,
        ),
      ).toBe(true);

      const offboarded = await post('/admin/offboarding', {}, admin);
      expect(offboarded.status).toBe(200);
      const result = offboarded.body as unknown as {
        status: string;
        dir: string;
        certificate: string;
      };
      expect(result.status).toBe('erased');
      const exported = readFileSync(join(result.dir, 'users.jsonl'), 'utf8');
      expect(exported).toContain('Kees Jansen');
      expect(readFileSync(result.certificate, 'utf8')).toContain('"tenant": "bouwbedrijf-jansen"');
      const after = await post(
        '/admin/subject-requests',
        { kind: 'access', subjectId: user.body.id },
        admin,
      );
      expect(
        (after.body as unknown as { stores: { records: number }[] }).stores.every(
          (s) => s.records === 0,
        ),
      ).toBe(true);
    } finally {
      await server.close();
      await guard.close();
    }
  });
});
