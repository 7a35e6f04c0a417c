import { createServer, type Server } from 'node:http';
import * as http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryBreachSink } from '../breach/report.js';
import { createGuard } from '../guard.js';
import { runProcessing } from '../purpose/context.js';
import type { Purpose } from '../policy/types.js';
import type { OutboundProtection } from './outbound.js';
import { TransferBlockedError } from './outbound.js';
import type { TransferDecision } from './check.js';
import { TRANSFER_POLICY } from './transfer.fixture.js';

const sink = new InMemoryBreachSink();
const guard = createGuard({
  policy: [{ name: 'transfers.json', document: TRANSFER_POLICY }],
  clock: () => new Date('2026-11-25T10:00:00Z'),
  breachSink: sink,
});
const seen: TransferDecision[] = [];
guard.onTransfer((d) => seen.push(d));

const during = <T>(purpose: Purpose, fn: () => T): T =>
  runProcessing({ tenant: 'acme', purpose, route: 'POST /enrollments' }, fn);

let protection: OutboundProtection;
beforeAll(() => {
  protection = guard.protectOutbound();
});
afterAll(() => protection.restore());

describe('outbound guard with nock (no network)', () => {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('lets fetch to an EEA subprocessor through and tags nothing else', async () => {
    const scope = nock('https://api.mailer.eu').post('/v3/send').reply(202, { queued: true });
    const res = await during('provide', () =>
      fetch('https://api.mailer.eu/v3/send', { method: 'POST', body: '{}' }),
    );
    expect(res.status).toBe(202);
    expect(scope.isDone()).toBe(true);
    expect(seen.at(-1)).toMatchObject({ allowed: true, subprocessor: 'mailer', basis: 'eea' });
  });

  it.each([
    ['a US host without DPF', 'https://upload.videohost.com/v1/videos', 'provide', 'no-basis'],
    ['an unregistered host', 'https://tracker.example.org/collect', 'provide', 'unknown-host'],
    ['an undeclared purpose', 'https://api.mailer.eu/v3/send', 'improve', 'purpose-not-declared'],
  ] as const)('stops fetch to %s before anything is sent', async (_what, url, purpose, reason) => {
    const scope = nock(new URL(url).origin).post(new URL(url).pathname).reply(200);
    const reports = sink.reports.length;
    const attempt = during(purpose, () => fetch(url, { method: 'POST', body: '{"bsn":"x"}' }));
    await expect(attempt).rejects.toBeInstanceOf(TransferBlockedError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DPA_ERR_TRANSFER_BLOCKED',
      decision: { allowed: false, reasons: expect.arrayContaining([reason]) },
    });
    expect(scope.isDone()).toBe(false); // the interceptor was never reached
    expect(sink.reports.slice(reports)).toEqual([
      expect.objectContaining({ kind: 'blocked-transfer', tenants: ['acme'] }),
    ]);
  });

  it('stops http.request and http.get the same way, synchronously', () => {
    const scope = nock('http://upload.videohost.com').get('/x').reply(200);
    expect(() => during('provide', () => http.request('http://upload.videohost.com/x'))).toThrow(
      TransferBlockedError,
    );
    expect(() =>
      during('provide', () => http.get({ hostname: 'upload.videohost.com', path: '/x' })),
    ).toThrow(/no-basis/);
    expect(() =>
      during('provide', () => http.request({ host: 'upload.videohost.com:8080', path: '/x' })),
    ).toThrow(TransferBlockedError);
    expect(scope.isDone()).toBe(false);
  });

  it('does not check requests made outside a processing', async () => {
    const scope = nock('https://tracker.example.org').get('/ping').reply(204);
    expect((await fetch('https://tracker.example.org/ping')).status).toBe(204);
    expect(scope.isDone()).toBe(true);
  });
});

describe('outbound guard with a real local server', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];
  // Subprocessor hostnames resolve to this machine, so real bytes flow without a network.
  const lookup = ((_host, options, callback) => {
    const all = (options as { all?: boolean }).all === true;
    if (all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: '127.0.0.1', family: 4 },
      ]);
    else (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
  }) as LookupFunction;

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.headers.host ?? ''}${req.url ?? ''}`);
      res.writeHead(202).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (hostname: string, purpose: Purpose) =>
    during(
      purpose,
      () =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(
            { hostname, port, path: '/send', method: 'POST', lookup },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end('{}');
        }),
    );

  it('delivers to an allowed EEA subprocessor', async () => {
    expect(await send('api.mailer.eu', 'provide')).toBe(202);
    expect(received).toContain(`api.mailer.eu:${port}/send`);
  });

  it('sends not a byte to a US host without DPF or an undeclared purpose', async () => {
    const before = received.length;
    await expect(send('upload.videohost.com', 'provide')).rejects.toBeInstanceOf(
      TransferBlockedError,
    );
    await expect(send('api.mailer.eu', 'improve')).rejects.toBeInstanceOf(TransferBlockedError);
    expect(received.length).toBe(before);
  });

  it('leaves loopback alone', async () => {
    expect(await send('127.0.0.1', 'improve')).toBe(202);
  });
});

describe('protection lifecycle', () => {
  it('is one per process and restores what it replaced', () => {
    expect(guard.protectOutbound()).toBe(protection);
    expect(() => createGuard().protectOutbound()).toThrow(/another guard/);
  });
});

describe('reading the destination as Node does', () => {
  it('judges the host Node connects to when a URL and options are both given', () => {
    // Node lays options over the URL, and the URL's hostname beats an options.host.
    expect(() =>
      during('provide', () =>
        http.request('http://upload.videohost.com/x', { host: 'api.mailer.eu' }),
      ),
    ).toThrow(TransferBlockedError);
    expect(() =>
      during('provide', () =>
        http.request('http://api.mailer.eu/x', { hostname: 'upload.videohost.com' }),
      ),
    ).toThrow(TransferBlockedError);
  });
});

describe('a blocked transfer is always signalled', () => {
  it('also when the host name is full of digits (the text masks them)', () => {
    const before = sink.reports.length;
    expect(() =>
      during('provide', () => http.request('http://cdn123456789.example.org/x')),
    ).toThrow(TransferBlockedError);
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(sink.reports.length).toBe(before + 1);
        expect(JSON.stringify(sink.reports.at(-1))).not.toContain('123456789');
        resolve();
      }),
    );
  });
});
