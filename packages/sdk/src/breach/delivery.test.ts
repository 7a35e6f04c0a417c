import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BreachSettings } from '../policy/types.js';
import { createGuard } from '../guard.js';
import { FileOutbox } from './file-outbox.js';
import { BreachService } from './service.js';
import type { BreachInput } from './signal.js';

const SECRET = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length!').toString('base64')}`;
const BSN = '111222333';

function harness(hooks: BreachSettings['hooks'], start = '2026-11-25T10:00:00Z') {
  let now = new Date(start);
  const lines: string[] = [];
  const settings: BreachSettings = {
    hooks,
    deadlineHours: 24,
    escalateBeforeHours: 4,
    massExport: { subjects: 500, windowMinutes: 60 },
  };
  const service = new BreachService({
    outbox: new FileOutbox(mkdtempSync(join(tmpdir(), 'dpa-outbox-'))),
    settings: () => settings,
    clock: () => now,
    env: { HOOK_SECRET: SECRET },
    random: () => 0.5,
    logger: pino({ level: 'trace' }, { write: (l: string) => lines.push(l) }),
  });
  return {
    service,
    lines,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    now: () => now,
  };
}

const leak: BreachInput = {
  kind: 'leak-in-response',
  tenants: ['acme'],
  nature: 'A response to GET /users/:id carried bsn data.',
  categories: ['bsn'],
  paths: ['/bsn'],
  approximateRecords: 1,
};

describe('webhook delivery (nock)', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('retries 5xx with backoff under the same webhook-id, then delivers', async () => {
    const ids: string[] = [];
    const scope = nock('https://hooks.example.eu')
      .post('/breach')
      .times(2)
      .reply(function () {
        ids.push(String(this.req.headers['webhook-id']));
        return [503, 'down'];
      })
      .post('/breach')
      .reply(function () {
        ids.push(String(this.req.headers['webhook-id']));
        return [204];
      });
    const h = harness({
      primary: { url: 'https://hooks.example.eu/breach', secretEnv: 'HOOK_SECRET' },
    });
    const signal = await h.service.signal(leak);
    await h.service.runOnce();
    let [status] = await h.service.list();
    expect(status!.deliveries.primary).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 503',
    });
    // 5 s backoff after the first failure: nothing is sent before then.
    h.advance(4_000);
    await h.service.runOnce();
    expect(ids).toHaveLength(1);
    h.advance(1_000);
    await h.service.runOnce();
    h.advance(10_000);
    await h.service.runOnce();
    [status] = await h.service.list();
    expect(status).toMatchObject({
      state: 'delivered',
      deliveries: { primary: { status: 'delivered', attempts: 3 } },
    });
    expect(ids).toEqual([signal.id, signal.id, signal.id]);
    expect(scope.isDone()).toBe(true);
  });

  it('honours Retry-After on 429', async () => {
    nock('https://hooks.example.eu').post('/breach').reply(429, '', { 'retry-after': '120' });
    const h = harness({ primary: { url: 'https://hooks.example.eu/breach' } });
    await h.service.signal(leak);
    await h.service.runOnce();
    const [status] = await h.service.list();
    expect(Date.parse(status!.deliveries.primary!.nextAttemptAt!) - h.now().getTime()).toBe(
      120_000,
    );
  });

  it('stops an endpoint that answers 410, for every signal', async () => {
    const scope = nock('https://hooks.example.eu').post('/breach').once().reply(410);
    const h = harness({ primary: { url: 'https://hooks.example.eu/breach' } });
    await h.service.signal(leak);
    await h.service.runOnce();
    await h.service.signal({ ...leak, nature: 'A second leak.' });
    await h.service.runOnce();
    const states = (await h.service.list()).map((s) => s.deliveries.primary?.status);
    expect(states).toEqual(['disabled', 'disabled']);
    expect(scope.isDone()).toBe(true); // one request only: the second signal was not sent
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('caps a Retry-After past the longest backoff, however large', async () => {
    for (const value of ['99999999999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT']) {
      nock('https://hooks.example.eu').post('/breach').reply(429, '', { 'retry-after': value });
      const h = harness({ primary: { url: 'https://hooks.example.eu/breach' } });
      await h.service.signal(leak);
      await h.service.runOnce();
      const [status] = await h.service.list();
      const wait = Date.parse(status!.deliveries.primary!.nextAttemptAt!) - h.now().getTime();
      expect(wait, value).toBe(3_600_000);
    }
  });

  it('does not follow a redirect: it is a failed attempt, not a delivery', async () => {
    for (const code of [301, 302, 303, 307, 308]) {
      nock('https://hooks.example.eu')
        .post('/breach')
        .reply(code, '', { location: 'https://elsewhere.example.com/in' });
      const elsewhere = nock('https://elsewhere.example.com')
        .post('/in')
        .reply(204)
        .get('/in')
        .reply(204);
      const h = harness({ primary: { url: 'https://hooks.example.eu/breach' } });
      await h.service.signal(leak);
      await h.service.runOnce();
      const [status] = await h.service.list();
      expect(status!.deliveries.primary, String(code)).toMatchObject({
        status: 'pending',
        lastError: expect.stringContaining(`HTTP ${String(code)}`),
      });
      expect(elsewhere.isDone(), String(code)).toBe(false);
      nock.cleanAll();
    }
  });

  it('delivers to every primary hook, retrying the one that failed', async () => {
    nock('https://a.example.eu').post('/breach').reply(204);
    nock('https://b.example.eu').post('/breach').reply(500).post('/breach').reply(204);
    const h = harness({
      a: { url: 'https://a.example.eu/breach' },
      b: { url: 'https://b.example.eu/breach' },
    });
    await h.service.signal(leak);
    await h.service.runOnce();
    h.advance(60_000);
    await h.service.runOnce();
    const [status] = await h.service.list();
    expect(status!.deliveries.a?.status).toBe('delivered');
    expect(status!.deliveries.b).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('delivers to a hook named like a property of every object', async () => {
    const scope = nock('https://hooks.example.eu').post('/breach').reply(204);
    const h = harness({ constructor: { url: 'https://hooks.example.eu/breach' } });
    await h.service.signal(leak);
    await h.service.runOnce();
    expect(scope.isDone()).toBe(true);
    expect((await h.service.list())[0]!.state).toBe('delivered');
  });

  it('records a network failure by its kind and code, never by a message that quotes the URL', async () => {
    nock.enableNetConnect('127.0.0.1');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const url = `http://127.0.0.1:${String(port)}/breach?token=hook-token-in-the-url`;
    const h = harness({ primary: { url } });
    await h.service.signal(leak);
    await h.service.runOnce();
    nock.disableNetConnect();
    const [status] = await h.service.list();
    expect(status!.deliveries.primary!.lastError).toBe('network: TypeError (ECONNREFUSED)');
    expect(h.lines.join('')).not.toContain('hook-token-in-the-url');
  });

  it('says loudly, once, that a damaged journal had records it could not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-outbox-damaged-'));
    const first = new FileOutbox(dir);
    const signal = { ...leak, id: 'brs_1', discoveredAt: '2026-11-25T10:00:00Z' };
    await first.add({ ...signal, deadline: '2026-11-26T10:00:00Z' } as never);
    await first.close();
    const path = join(dir, 'outbox.jsonl');
    writeFileSync(path, `not a record\n${readFileSync(path, 'utf8')}`);
    const lines: string[] = [];
    const service = new BreachService({
      outbox: new FileOutbox(dir),
      settings: () => ({
        hooks: {},
        deadlineHours: 24,
        escalateBeforeHours: 4,
        massExport: { subjects: 500, windowMinutes: 60 },
      }),
      clock: () => new Date('2026-11-25T10:00:00Z'),
      env: {},
      random: () => 0.5,
      logger: pino({}, { write: (l: string) => lines.push(l) }),
    });
    await service.runOnce();
    await service.runOnce();
    const damaged = lines.filter((l) => l.includes('could not be read'));
    expect(damaged).toHaveLength(1);
    expect(JSON.parse(damaged[0]!)).toMatchObject({ level: 50, dpa: { breach: { discarded: 1 } } });
    expect((await service.list()).map((s) => s.id)).toEqual(['brs_1']);
  });

  it('delivers once when two guards in one process share an outbox directory', async () => {
    let requests = 0;
    nock('https://hooks.example.eu')
      .post('/breach')
      .times(10)
      .delay(50)
      .reply(() => {
        requests++;
        return [204];
      });
    const dir = mkdtempSync(join(tmpdir(), 'dpa-outbox-shared-'));
    const make = () =>
      createGuard({
        policy: [
          {
            name: 'hooks.json',
            document: {
              version: 'h1',
              breach: { hooks: { primary: { url: 'https://hooks.example.eu/breach' } } },
            },
          },
        ],
        audit: { enabled: false },
        breach: { dir, deliver: false, logger: false },
      });
    const [one, two] = [make(), make()];
    for (let i = 0; i < 3; i++) await one.signalBreach({ ...leak, nature: `Leak ${String(i)}.` });
    await Promise.all([one.breaches!.runOnce(), two.breaches!.runOnce()]);
    expect(requests).toBe(3);
    await one.close();
    await two.close();
  });

  it('treats a hook that does not answer in time as a retry', async () => {
    nock('https://hooks.example.eu').post('/breach').delay(2_000).reply(200);
    const h = harness({ primary: { url: 'https://hooks.example.eu/breach', timeoutMs: 100 } });
    await h.service.signal(leak);
    await h.service.runOnce();
    const [status] = await h.service.list();
    expect(status!.deliveries.primary).toMatchObject({ status: 'pending', lastError: 'timeout' });
  });
});

describe('the deadline clock', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());

  it('escalates an undeliverable signal before its deadline, with a fatal log line', async () => {
    nock('https://hooks.example.eu').post('/breach').times(1000).reply(500).persist();
    const escalated: unknown[] = [];
    nock('https://pager.example.eu')
      .post('/escalate')
      .reply(200, (_uri, body) => {
        escalated.push(body);
        return '';
      });
    const h = harness({
      primary: { url: 'https://hooks.example.eu/breach' },
      pager: { url: 'https://pager.example.eu/escalate', role: 'escalation' },
    });
    const signal = await h.service.signal(leak);
    for (let hour = 0; hour < 19; hour++) {
      h.advance(60 * 60_000);
      await h.service.runOnce();
    }
    expect(escalated).toEqual([]); // 19 h after discovery: still inside the margin
    h.advance(60 * 60_000 + 1); // 20 h: 4 h before the deadline
    await h.service.runOnce();
    expect(escalated).toEqual([
      expect.objectContaining({
        type: 'breach.leak-in-response',
        data: expect.objectContaining({ id: signal.id }),
      }),
    ]);
    const [status] = await h.service.list();
    expect(status!.state).toBe('escalated');
    expect(status!.timeLeftMs).toBeLessThanOrEqual(4 * 3_600_000);
    const fatal = h.lines
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 60);
    expect(fatal).toHaveLength(1);
    nock.cleanAll();
  });
});

describe('a real local receiver checks the signature with its own implementation', () => {
  const received: { id: string; body: string; valid: boolean }[] = [];
  // Standard Webhooks verification written from the spec, independent of signWebhook().
  const verify = (headers: Record<string, string | string[] | undefined>, body: string) => {
    const id = String(headers['webhook-id']);
    const ts = String(headers['webhook-timestamp']);
    const key = Buffer.from(SECRET.split('_')[1]!, 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    return String(headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({
        id: String(req.headers['webhook-id']),
        body,
        valid: verify(req.headers, body),
      });
      res.writeHead(200).end();
    });
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/breach`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('receives a signed, thin, value-free payload', async () => {
    const h = harness({ primary: { url, secretEnv: 'HOOK_SECRET' } }, new Date().toISOString());
    const signal = await h.service.signal({
      ...leak,
      consequences: 'The number may have been seen by another learner.',
      measures: 'Response check turned on.',
    });
    await h.service.runOnce();
    expect(received).toEqual([{ id: signal.id, body: expect.any(String), valid: true }]);
    const payload = JSON.parse(received[0]!.body) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(payload.type).toBe('breach.leak-in-response');
    expect(payload.data).toMatchObject({
      id: signal.id,
      tenants: ['acme'],
      categories: ['bsn'],
      nature: leak.nature,
      approximateRecords: 1,
      deadline: signal.deadline,
    });
    expect(Date.parse(signal.deadline) - Date.parse(signal.discoveredAt)).toBe(24 * 3_600_000);
    expect(received[0]!.body + h.lines.join('')).not.toContain(BSN);
  });
});

describe('a signal never carries the data', () => {
  it('refuses a BSN in its free text, and a signal without a nature', async () => {
    const h = harness({});
    await expect(h.service.signal({ ...leak, nature: `BSN ${BSN} leaked` })).rejects.toThrow(
      /without the data itself/,
    );
    await expect(h.service.signal({ ...leak, measures: `blocked 111.222.333` })).rejects.toThrow(
      /\(bsn\)/,
    );
    await expect(h.service.signal({ ...leak, nature: ' ' })).rejects.toThrow(/art. 33/);
    // The forms the guard itself reads as a BSN, in every text of the signal.
    for (const text of ['BSN １１１２２２３３３', 'nr 111\u00a0222\u00a0333', 'b 111\u200b222333'])
      await expect(h.service.signal({ ...leak, nature: text }), text).rejects.toMatchObject({
        code: 'DPA_ERR_SIGNAL_HOLDS_DATA',
        message: expect.stringMatching(/\(bsn\)/),
      });
    // Every category the guard blocks in writes, not only BSNs: found by the same engine.
    await expect(
      h.service.signal({ ...leak, nature: 'Kandidaat heeft een strafblad voor diefstal.' }),
    ).rejects.toMatchObject({ code: 'DPA_ERR_SIGNAL_HOLDS_DATA' });
    await expect(h.service.signal({ ...leak, paths: [`/users/${BSN}`] })).rejects.toThrow(/paths/);
    await expect(h.service.signal({ ...leak, tenants: [BSN] })).rejects.toMatchObject({
      code: 'DPA_ERR_TENANT_INVALID',
      message: expect.stringMatching(/tenants/),
    });
    // A date is not a BSN.
    await expect(
      h.service.signal({ ...leak, nature: 'On 2026-11-25 a laptop with exports was lost.' }),
    ).resolves.toMatchObject({ nature: expect.stringContaining('laptop') });
    expect(h.lines.join('')).not.toContain(BSN);
  });

  it('refuses a signal of the wrong shape with a clear error', async () => {
    const h = harness({});
    const wrong: [string, Record<string, unknown>][] = [
      ['tenants', { tenants: 'acme' }],
      ['approximateSubjects', { approximateSubjects: -1 }],
      ['approximateRecords', { approximateRecords: Number.NaN }],
      ['discoveredAt', { discoveredAt: new Date('nonsense') }],
      ['discoveredAt', { discoveredAt: new Date('2999-01-01T00:00:00Z') }],
      ['nature', { nature: 'x'.repeat(10_001) }],
    ];
    for (const [field, extra] of wrong)
      await expect(h.service.signal({ ...leak, ...extra }), field).rejects.toThrow(
        new RegExp(`signalBreach\\(\\{ ${field} \\}\\)`),
      );
    expect(h.lines.join('')).not.toContain(BSN);
  });
});
