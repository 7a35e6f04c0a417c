import { createApp } from './app.js';

// `npm start`: the example learning platform on PORT (default 3000), guard on embedded
// defaults: no database, no external service.
const port = Number(process.env.PORT ?? 3000);
const { app, guard } = createApp();
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
      '',
    ].join('\n'),
  );
});
const stop = () => server.close(() => guard.close());
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
