import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.js';
import { startHookReceiver } from './hook-receiver.js';
import { serve } from './serve.js';
import { createSubprocessors, startMailerStandIn } from './subprocessors.js';

// `npm start`: the example learning platform on PORT (default 3000), guard on embedded
// defaults: no database, no external service.
const port = Number(process.env.PORT ?? 3000);
// The signing secret shared with the controller's hook; a fresh one per run for the demo.
process.env.DPA_GUARD_HOOK_SECRET ??= `whsec_${randomBytes(32).toString('base64')}`;
const keys = demoSigningKey('.dpa-guard-keys');
const controllerCopy = join('.dpa-guard-controller', 'checkpoints.jsonl');
const mailer = await startMailerStandIn();
const { app, guard } = createApp({
  subprocessors: createSubprocessors({ mailerPort: mailer.port }),
});
// Every outbound request during a processing is checked against the subprocessor registry.
const outbound = guard.protectOutbound();
guard.onTransfer((t) => {
  process.stdout.write(
    `transfer ${t.allowed ? 'allowed' : 'BLOCKED'}: ${t.host ?? '?'} (${t.subprocessor ?? 'unregistered'}, ${t.country ?? '?'}) ${t.reasons.join(', ')}\n`,
  );
});
// The controller's breach hook (the policy's "controller-alerts"), in-process for the demo.
const hookUrl = new URL(
  guard.policy.policy.breach.hooks['controller-alerts']?.url ?? 'http://127.0.0.1:3001/',
);
const receiver = await startHookReceiver({
  port: Number(hookUrl.port),
  secret: () => process.env.DPA_GUARD_HOOK_SECRET,
  checkpointsFile: controllerCopy,
  onSignal: (event) => {
    const data = event.data as Record<string, unknown>;
    process.stdout.write(
      event.type === 'audit.checkpoint'
        ? `controller hook received audit.checkpoint (signature valid): the trail at record ${String(data.seq)}, kept in ${controllerCopy}\n`
        : `controller hook received ${event.type} ${event.id} (signature valid) for ${event.data.tenants?.join(', ') ?? '?'}: ${event.data.nature ?? ''} deadline ${event.data.deadline ?? '?'}\n`,
    );
  },
});
const server = await serve(app, port);
{
  const base = `http://localhost:${String(port)}`;
  const member = "-H 'authorization: Bearer demo-member-bouwbedrijf-jansen'";
  const admin = "-H 'authorization: Bearer demo-admin-bouwbedrijf-jansen'";
  const post = (path: string, body: object, who = member) =>
    `  curl -s -X POST ${base}${path} -H 'content-type: application/json' ${who} -d '${JSON.stringify(body)}'`;
  process.stdout.write(
    [
      `Learning platform listening on ${base} (dpa-guard policy ${guard.policy.version}, mode ${guard.policy.policy.mode})`,
      `Every route but /health takes a bearer token; the tenant is the token's. Demo tokens: demo-member-<tenant> and demo-admin-<tenant> for bouwbedrijf-jansen and uitzendbureau-flex.`,
      `Audit checkpoints are signed with the demo key ${keys.privateKey} (outside the data directory; in production a secret store holds it).`,
      '',
      'A clean write (201):',
      post('/enrollments', {
        courseCode: 'VCA-B',
        participant: 'Sanne de Vries',
        remark: 'Graag certificaat naar de werkgever.',
      }),
      'A BSN (422, category bsn at /remark):',
      post('/enrollments', {
        courseCode: 'VCA-B',
        participant: 'Kees Jansen',
        remark: 'BSN 111222333 ontbreekt nog',
      }),
      'A health remark (422, category health at /feedback):',
      post('/courses/vca-b/feedback', {
        feedback: 'Ik ben sinds maart ziek gemeld met rugklachten.',
      }),
      "The same under the tenant's written exception (201, recorded with its agreement):",
      post('/absences', { learner: 'Kees Jansen', reason: 'ziek gemeld met rugklachten' }),
      'A course video for the US host without DPF or SCCs (500 problem+json DPA_ERR_TRANSFER_BLOCKED; nothing sent):',
      post('/courses/vca-b/videos', { title: 'Veilig werken op hoogte' }),
      'A read of a legacy record that still holds a BSN (200, and a breach signal to the controller hook):',
      `  curl -s ${base}/users/legacy-1 ${member}`,
      'Another tenant reading it (404, and a cross-tenant-access signal to the controller hook):',
      `  curl -s ${base}/users/legacy-1 -H 'authorization: Bearer demo-member-uitzendbureau-flex'`,
      "A data-subject request from the controller's admin (200, per store; with a member's token: 403):",
      post('/admin/subject-requests', { kind: 'access', subjectId: 'legacy-1' }, admin),
      'Offboarding the tenant (export with checksums under .dpa-guard/exports, then erasure and a deletion certificate):',
      `  curl -s -X POST ${base}/admin/offboarding ${admin}`,
      `The records of all this, checked against the controller's copy of the checkpoints:`,
      `  npx dpa-guard audit verify --public-key ${keys.publicKey} --checkpoint ${controllerCopy} && npx dpa-guard audit report`,
      '',
    ].join('\n'),
  );
}
// The guard closes first: its last checkpoint still reaches the controller's hook.
const stop = () =>
  server.close(() => {
    outbound.restore();
    void guard.close().finally(() => {
      receiver.close();
      void mailer.close();
    });
  });
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * The demo's audit signing key: DPA_GUARD_AUDIT_SIGNING_KEY when set, else a key pair kept
 * in `dir` (made on first start), beside the data directory, never in it.
 */
function demoSigningKey(dir: string): { privateKey: string; publicKey: string } {
  const privateKey = join(dir, 'audit-signing.pem');
  const publicKey = join(dir, 'audit-signing.pub');
  if (!existsSync(privateKey)) {
    const pair = generateKeyPairSync('ed25519');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(privateKey, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
    });
    writeFileSync(publicKey, pair.publicKey.export({ format: 'pem', type: 'spki' }));
  }
  process.env.DPA_GUARD_AUDIT_SIGNING_KEY ??= readFileSync(privateKey, 'utf8');
  return { privateKey, publicKey };
}
