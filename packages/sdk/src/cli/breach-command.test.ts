import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../breach/webhook.js';
import { createGuard } from '../guard.js';
import { runCapture } from './cli-harness.js';

const SECRET = `whsec_${Buffer.from('cli-verify-secret-of-32-bytes!!!').toString('base64')}`;

describe('dpa-guard breach', () => {
  it('lists open signals with the time left, and retries one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-breach-cli-'));
    const guard = createGuard({
      policy: [
        {
          name: 'p.json',
          document: {
            version: 'b1',
            breach: { hooks: { primary: { url: 'http://127.0.0.1:9/none' } } },
          },
        },
      ],
      breach: { dir, deliver: false, logger: false },
    });
    const signal = await guard.signalBreach({
      kind: 'manual',
      tenants: ['acme'],
      nature: 'A lost laptop with exports.',
      categories: ['health'],
      approximateSubjects: 12,
    });
    await guard.breaches!.runOnce(); // port 9: refused, so the delivery is pending with an error
    await guard.close();

    const listed = await runCapture(['breach', 'list', '--dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `${signal.id}\\s+manual\\s+acme\\s+open\\s+\\S+\\s+2[34]h \\d\\dm\\s+primary:pending\\(1\\) network`,
      ),
    );
    expect(listed.stdout).toContain('1 signal(s): 1 open, 0 delivered.');
    const json = JSON.parse(
      (await runCapture(['breach', 'list', '--dir', dir, '--json'])).stdout,
    ) as { id: string }[];
    expect(json.map((s) => s.id)).toEqual([signal.id]);

    const retried = await runCapture(['breach', 'retry', signal.id, '--dir', dir]);
    expect([retried.code, retried.stdout]).toEqual([
      0,
      expect.stringContaining('due for delivery again'),
    ]);
    expect((await runCapture(['breach', 'retry', 'brs_nope', '--dir', dir])).code).toBe(1);
  });

  it('verifies a received webhook for the receiving side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dpa-breach-verify-'));
    const body = JSON.stringify({
      type: 'breach.manual',
      timestamp: new Date().toISOString(),
      data: { id: 'brs_1' },
    });
    const ts = Math.floor(Date.now() / 1000);
    const message = (signature: string) =>
      `POST /hooks/dpa HTTP/1.1\r\nContent-Type: application/json\r\nwebhook-id: brs_1\r\nwebhook-timestamp: ${String(ts)}\r\nwebhook-signature: ${signature}\r\n\r\n${body}`;
    writeFileSync(join(dir, 'good.http'), message(signWebhook(SECRET, 'brs_1', ts, body)));
    const env = { HOOK_SECRET: SECRET };
    const good = await runCapture(
      ['breach', 'verify', '--secret-env', 'HOOK_SECRET', 'good.http'],
      { cwd: dir, env },
    );
    expect([good.code, good.stdout]).toEqual([0, expect.stringMatching(/^valid: webhook brs_1/)]);
    const tampered = await runCapture(['breach', 'verify', '--secret-env', 'HOOK_SECRET'], {
      cwd: dir,
      env,
      stdin: message(signWebhook(SECRET, 'brs_1', ts, body)).replace('brs_1"}', 'brs_2"}'),
    });
    expect([tampered.code, tampered.stdout]).toEqual([1, 'INVALID: no signature matches\n']);
    const noSecret = await runCapture(
      ['breach', 'verify', '--secret-env', 'MISSING', 'good.http'],
      { cwd: dir, env },
    );
    expect(noSecret.code).toBe(2);
  });
});
