import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../breach/webhook.js';
import { runCapture } from '../cli/cli-harness.js';
import { createGuard } from '../guard.js';
import { runProcessing } from '../purpose/context.js';
import { readJournalLines } from './journal.js';
import { parseCheckpoints } from './checkpoint.js';
import { readCheckpointLog } from './checkpointer.js';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const policy = (audit: object, extra: object = {}) => ({
  name: 'p.json',
  document: { version: 'c1', audit, ...extra },
});

describe('the signing key', () => {
  it('is required at start-up when the policy says so, with what to do', () => {
    expect(() =>
      createGuard({
        policy: policy({ signing: { required: true, keyEnv: 'NO_SUCH_KEY_VARIABLE' } }),
        breach: { logger: false },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'DPA_ERR_AUDIT_KEY_MISSING',
        message: expect.stringMatching(/NO_SUCH_KEY_VARIABLE.*dpa-guard audit keygen/),
      }),
    );
  });

  it('is refused inside the audit directory it would sign for, and when it is not Ed25519', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-key-'));
    mkdirSync(join(dir, 'audit'));
    writeFileSync(join(dir, 'audit', 'key.pem'), keyPair().privatePem);
    expect(() =>
      createGuard({
        policy: policy({ signing: { keyFile: join(dir, 'audit', 'key.pem') } }),
        audit: { dir: join(dir, 'audit') },
        breach: { logger: false },
      }),
    ).toThrow(expect.objectContaining({ code: 'DPA_ERR_AUDIT_KEY_INVALID' }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(() => createGuard({ audit: { signingKey: rsa }, breach: { logger: false } })).toThrow(
      expect.objectContaining({
        code: 'DPA_ERR_AUDIT_KEY_INVALID',
        message: expect.stringMatching(/Ed25519/),
      }),
    );
    expect(() =>
      createGuard({ audit: { signingKey: 'nonsense' }, breach: { logger: false } }),
    ).toThrow(expect.objectContaining({ code: 'DPA_ERR_AUDIT_KEY_INVALID' }));
  });
});

describe("checkpoints out of the box: the controller's hook", () => {
  it('gets each checkpoint as a signed audit.checkpoint event, which verify takes as an outside copy', async () => {
    const secret = `whsec_${Buffer.from('checkpoint-hook-secret-32-bytes!').toString('base64')}`;
    const events: string[] = [];
    let down = true;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (down) return void res.writeHead(503).end();
        const verdict = verifyWebhook(secret, req.headers as Record<string, string>, body);
        if (!verdict.valid) return void res.writeHead(401).end();
        events.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((hook.address() as AddressInfo).port)}/hook`;
    const root = mkdtempSync(join(tmpdir(), 'dpa-ckp-hook-'));
    const keys = keyPair();
    writeFileSync(join(root, 'audit.pub'), keys.publicPem);
    const guard = createGuard({
      policy: policy(
        { checkpoints: { everyRecords: 3 } },
        { breach: { hooks: { controller: { url, secretEnv: 'HOOK_SECRET' } } } },
      ),
      audit: { dir: join(root, 'audit'), signingKey: keys.privatePem },
      breach: { dir: join(root, 'breach'), env: { HOOK_SECRET: secret }, logger: false },
    });
    for (let i = 0; i < 4; i++)
      await guard.audit!.record({ kind: 'inspection', tenant: 'acme', decision: 'pass' });
    // The hook was down for the first checkpoints; when it is back, the newest one goes out.
    down = false;
    await guard.close();
    hook.close();
    const received = events.map((e) => JSON.parse(e) as { type: string; data: { seq: number } });
    expect(received.every((e) => e.type === 'audit.checkpoint')).toBe(true);
    expect(received.at(-1)?.data.seq).toBe(4);
    const saved = join(root, 'controller-copy.jsonl');
    writeFileSync(saved, events.join('\n'));
    expect(parseCheckpoints(events.join('\n')).checkpoints.length).toBe(events.length);
    const verify = await runCapture([
      'audit',
      'verify',
      join(root, 'audit'),
      '--public-key',
      join(root, 'audit.pub'),
      '--checkpoint',
      saved,
    ]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toMatch(/records 1–4 anchored/);
    expect(verify.stdout).toMatch(/checkpoint\(s\) from outside matched/);
    expect(readCheckpointLog(join(root, 'audit')).checkpoints.map((c) => c.reason)).toEqual([
      'open',
      'interval',
      'close',
    ]);
  });
});

describe('checkpoints are not processings', () => {
  it('posts to the hooks outside the request, so the outbound guard records no transfer for them', async () => {
    let posts = 0;
    const hook = createServer((req, res) => {
      posts++;
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((hook.address() as AddressInfo).port)}/hook`;
    const root = mkdtempSync(join(tmpdir(), 'dpa-ckp-loop-'));
    const guard = createGuard({
      policy: policy({ checkpoints: { everyRecords: 1 } }, { breach: { hooks: { c: { url } } } }),
      audit: { dir: join(root, 'audit'), signingKey: keyPair().privatePem },
      breach: { dir: join(root, 'breach'), logger: false },
    });
    const outbound = guard.protectOutbound();
    try {
      await runProcessing({ tenant: 'acme', purpose: 'provide', route: 'POST /x' }, async () => {
        for (let i = 0; i < 5; i++) await guard.recordDecision(guard.inspect({ a: 'prima' }));
      });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      outbound.restore();
      await guard.close();
      hook.close();
    }
    const kinds = readJournalLines(join(root, 'audit')).map(
      (l) => (JSON.parse(l.text) as { kind: string }).kind,
    );
    expect(kinds).toEqual(Array(5).fill('inspection'));
    expect(posts).toBeGreaterThanOrEqual(5);
  });
});
