import { randomBytes } from 'node:crypto';
import { createApp } from './app.js';
import { startHookReceiver } from './hook-receiver.js';
import { createSubprocessors, startMailerStandIn } from './subprocessors.js';

// `npm start`: the example learning platform on PORT (default 3000), guard on embedded
// defaults: no database, no external service.
const port = Number(process.env.PORT ?? 3000);
// The signing secret shared with the controller's hook; a fresh one per run for the demo.
process.env.DPA_GUARD_HOOK_SECRET ??= `whsec_${randomBytes(32).toString('base64')}`;
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
  onSignal: (signal) => {
    process.stdout.write(
      `controller hook received ${signal.type} ${signal.id} (signature valid) for ${signal.data.tenants?.join(', ') ?? '?'}: ${signal.data.nature ?? ''} deadline ${signal.data.deadline ?? '?'}\n`,
    );
  },
});
const server = app.listen(port, () => {
  const base = `http://localhost:${port}`;
  const post = (path: string, body: object) =>
    `  curl -s -X POST ${base}${path} -H 'content-type: application/json' -H 'x-tenant-id: bouwbedrijf-jansen' -d '${JSON.stringify(body)}'`;
  process.stdout.write(
    [
      `Learning platform listening on ${base} (dpa-guard policy ${guard.policy.version}, mode ${guard.policy.policy.mode})`,
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
      `  curl -s ${base}/users/legacy-1 -H 'x-tenant-id: bouwbedrijf-jansen'`,
      "A data-subject request from the controller's admin (200, per store; without the token: 403):",
      `  curl -s -X POST ${base}/admin/subject-requests -H 'content-type: application/json' -H 'x-tenant-id: bouwbedrijf-jansen' -H 'authorization: Bearer demo-admin-bouwbedrijf-jansen' -d '{"kind":"access","subjectId":"legacy-1"}'`,
      'Offboarding the tenant (export with checksums under .dpa-guard/exports, then erasure and a deletion certificate):',
      `  curl -s -X POST ${base}/admin/offboarding -H 'x-tenant-id: bouwbedrijf-jansen' -H 'authorization: Bearer demo-admin-bouwbedrijf-jansen'`,
      'The records of all this: npx dpa-guard audit verify && npx dpa-guard audit report',
      '',
    ].join('\n'),
  );
});
const stop = () =>
  server.close(() => {
    outbound.restore();
    receiver.close();
    void guard.close();
    void mailer.close();
  });
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
