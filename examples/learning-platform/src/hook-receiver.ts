import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { verifyWebhook } from '@dpa-guard/sdk';

/** What a controller's alerting receives: the parts of a signal it prints. */
export interface ReceivedSignal {
  id: string;
  type: string;
  valid: boolean;
  data: {
    kind?: string;
    tenants?: string[];
    categories?: string[];
    deadline?: string;
    nature?: string;
  };
}

/**
 * The controller's side of clauses 8 and 10, for the example: a webhook receiver that
 * verifies the Standard Webhooks signature with the shared secret, deduplicates on
 * `webhook-id` (delivery is at least once) and hands each new event to `onSignal`. Audit
 * checkpoints (`audit.checkpoint`) are also kept in `checkpointsFile`, one per line: the
 * controller's own copy of the processor's trail, outside the processor's data directory,
 * for `dpa-guard audit verify --checkpoint`.
 */
export async function startHookReceiver(options: {
  port: number;
  secret: () => string | undefined;
  onSignal: (signal: ReceivedSignal) => void;
  checkpointsFile?: string;
}): Promise<Server> {
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const secret = options.secret();
      const verdict =
        secret === undefined
          ? { valid: false as const, reason: 'no secret configured' }
          : verifyWebhook(secret, req.headers as Record<string, string>, body);
      if (!verdict.valid) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(204).end();
      if (seen.has(verdict.id)) return;
      seen.add(verdict.id);
      try {
        const parsed = JSON.parse(body) as { type: string; data: ReceivedSignal['data'] };
        if (parsed.type === 'audit.checkpoint' && options.checkpointsFile !== undefined) {
          mkdirSync(dirname(options.checkpointsFile), { recursive: true });
          appendFileSync(options.checkpointsFile, `${JSON.stringify(parsed.data)}\n`);
        }
        options.onSignal({ id: verdict.id, type: parsed.type, valid: true, data: parsed.data });
      } catch {
        // A signed but unreadable body: accepted (it was delivered), nothing to print.
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return server;
}
