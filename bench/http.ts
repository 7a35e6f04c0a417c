// HTTP benchmark (issue 4): the same Express app with and without the guard, 2 KB JSON
// writes over loopback, requests per second as a ratio measured in the same run. Each app
// runs in its own child process so the load generator does not share its event loop.
// Where `taskset` exists (Linux), the server gets one core and the load generator
// another: on a small machine that share is what makes runs comparable. The variants
// alternate over several rounds, and the ratio reported is the median of each round's.
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { dpaGuard } from '@dpa-guard/express';
import { createGuard } from '@dpa-guard/sdk';
import express, { type Request, type Response } from 'express';
import { typicalWrite } from './bodies.js';

const VARIANTS = ['plain', 'guarded', 'logged', 'no-audit', 'context-only', 'floor'] as const;
type Variant = (typeof VARIANTS)[number];

/** The app under test: one write route that stores nothing and answers 201. */
function createBenchApp(variant: Variant) {
  const app = express();
  const created = (req: Request, res: Response) => {
    res.status(201).json({ ok: true, fields: Object.keys((req.body ?? {}) as object).length });
  };
  if (variant === 'plain') {
    app.use(express.json({ limit: '1mb' }));
    app.post('/enrollments', created);
  } else if (variant === 'floor') {
    // No dpa-guard code: what issue 4 asks of any guard before it inspects anything, an
    // AsyncLocalStorage context per request and a purpose middleware on the route, each
    // in its barest form. Its ratio is the most any implementation can reach here.
    const context = new AsyncLocalStorage<{ tenant: string | undefined }>();
    app.use((req, _res, next) => context.run({ tenant: req.get('x-tenant-id') }, next));
    app.use(express.json({ limit: '1mb' }));
    app.post('/enrollments', (_req, _res, next) => next(), created);
  } else if (variant === 'context-only') {
    // The guard's share that is not inspection: tenant, purpose and route lookup, and the
    // AsyncLocalStorage context every processing runs in; express.json reads the body.
    const guard = createGuard({ audit: { enabled: false } });
    const dpa = dpaGuard({
      guard,
      logger: false,
      methods: [],
      tenant: (req) => req.get('x-tenant-id'),
    });
    app.use(dpa, express.json({ limit: '1mb' }));
    app.post('/enrollments', dpa.purpose('provide'), created);
  } else {
    // 'guarded' is the default guard, audit trail included, without its decision log (the
    // plain app logs nothing either); 'logged' adds the default pino line per write (the
    // server's stdout is /dev/null); 'no-audit' shows the audit trail's share.
    const guard = createGuard({ audit: { enabled: variant !== 'no-audit' } });
    const dpa = dpaGuard({
      guard,
      ...(variant === 'logged' ? {} : { logger: false as const }),
      tenant: (req) => req.get('x-tenant-id'),
    });
    app.use(dpa);
    app.post('/enrollments', dpa.purpose('provide'), created);
  }
  return app;
}

/** Child process entry: serve one variant on an ephemeral loopback port. */
function serve(variant: Variant): void {
  const server = createBenchApp(variant).listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
}

/** Pins a process (all its threads) to one CPU; false where that cannot be done. */
function pin(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function start(
  variant: Variant,
  pinned: boolean,
): Promise<{ child: ChildProcess; port: number }> {
  // The server's stdout (decision log lines) goes to /dev/null; its errors are shown.
  const child = fork(fileURLToPath(import.meta.url), ['--serve', variant], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  if (pinned && child.pid !== undefined) pin(child.pid, 1);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${String(code)}`)));
  });
  return { child, port };
}

/** The server's CPU time so far (µs), asked of the child process. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => {
      const { user, system } = (m as { cpu: NodeJS.CpuUsage }).cpu;
      resolve(user + system);
    });
    child.send('cpu');
  });
}

async function load(
  port: number,
  seconds: number,
  body: string,
): Promise<{ rps: number; total: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/enrollments`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'bench' },
    body,
    connections: 64,
    pipelining: 4,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`bench run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return { rps: result.requests.average, total: result.requests.total };
}

/** Alternates the variants over several rounds; ratios are taken within each round. */
export async function benchHttp({ quick = false } = {}): Promise<string> {
  const body = typicalWrite();
  const rounds = quick ? 2 : 5;
  const seconds = quick ? 2 : 4;
  const pinned = availableParallelism() >= 2 && pin(process.pid, 0);
  const perVariant = () =>
    Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const rps = perVariant();
  // Server CPU per request: with the load generator on the same machine, this says
  // more about the guard's own cost than requests per second alone.
  const cpu = perVariant();
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
      const { child, port } = await start(variant, pinned);
      try {
        await load(port, 1, body); // warm-up: JIT and connection pool
        const before = await serverCpu(child);
        const run = await load(port, seconds, body);
        cpu[variant].push(((await serverCpu(child)) - before) / run.total);
        rps[variant].push(run.rps);
      } finally {
        child.kill();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratio = (v: Variant) => median(rps[v].map((r, i) => r / rps.plain[i]!));
  const row = (label: string, v: Variant) =>
    `${label.padEnd(30)}${median(rps[v]).toFixed(0).padStart(10)}   ${median(cpu[v]).toFixed(0).padStart(6)} µs${v === 'plain' ? '' : `   ${ratio(v).toFixed(2)}`}`;
  return [
    `HTTP: POST of a ${Buffer.byteLength(body)}-byte JSON write to one Express 5 app, loopback, 64 connections x 4 pipelined, ${rounds} rounds x ${seconds} s, ${pinned ? 'server and load generator on a core each' : 'not pinned to cores'}`,
    '',
    'app                           requests/s   server CPU   ratio (median of rounds)',
    row('express.json only', 'plain'),
    row('dpaGuard, audit trail on', 'guarded'),
    row('  and its decision log line', 'logged'),
    row('dpaGuard, audit trail off', 'no-audit'),
    row('  context only, no reading', 'context-only'),
    row('floor: bare context + route', 'floor'),
  ].join('\n');
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  const asked = process.argv[serveAt + 1];
  serve(VARIANTS.find((v) => v === asked) ?? 'plain');
}
