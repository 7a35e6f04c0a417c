import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyWebhook } from '@dpa-guard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = `whsec_${Buffer.from('crash-test-secret-32-bytes-long!!').toString('base64')}`;
const CHILD = fileURLToPath(new URL('./fixtures/breach-child.mjs', import.meta.url));
const N = 40;

describe('breach delivery survives a crash (SIGKILL) mid-delivery', () => {
  const deliveries = new Map<string, number>(); // webhook-id → times received
  let requests = 0;
  let invalid = 0;
  // A slow receiver, so the kill lands while deliveries are in flight.
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests++;
      const verdict = verifyWebhook(SECRET, req.headers as Record<string, string>, body);
      if (!verdict.valid) invalid++;
      const id = String(req.headers['webhook-id']);
      setTimeout(() => {
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      }, 150);
    });
  });
  let url: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/breach`;
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const start = (args: string[]) => {
    const child = fork(CHILD, args, {
      env: { ...process.env, HOOK_SECRET: SECRET },
      stdio: 'ignore',
    });
    children.push(child);
    return new Promise<{ child: ChildProcess; message: { ids?: string[] } }>((resolve, reject) => {
      child.once('message', (message) =>
        resolve({ child, message: message as { ids?: string[] } }),
      );
      child.once('exit', (code) => reject(new Error(`child exited early with ${String(code)}`)));
    });
  };
  const until = async (condition: () => boolean, what: string) => {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it(`delivers all ${String(N)} signals with their original ids after a restart`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-crash-'));
    const first = await start(['signal', dir, url, String(N)]);
    const ids = first.message.ids!;
    expect(new Set(ids).size).toBe(N);
    await until(() => requests > 0, 'the first delivery attempt');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const deliveredBeforeCrash = deliveries.size;
    expect(deliveredBeforeCrash).toBeLessThan(N); // the crash really came mid-delivery

    await start(['resume', dir, url]);
    await until(() => ids.every((id) => deliveries.has(id)), 'every signal at the receiver');
    expect([...deliveries.keys()].sort()).toEqual([...ids].sort());
    expect(invalid).toBe(0);
  });
});
