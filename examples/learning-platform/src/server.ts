import { createApp } from './app.js';

// `npm start`: the example learning platform on PORT (default 3000), guard on embedded
// defaults: no database, no external service.
const port = Number(process.env.PORT ?? 3000);
const { app, guard } = createApp();
const server = app.listen(port, () => {
  const base = `http://localhost:${port}`;
  process.stdout.write(
    `Learning platform listening on ${base} (dpa-guard policy ${guard.policy.version})\n` +
      `Try:\n  curl ${base}/health\n`,
  );
});
const stop = () => server.close(() => guard.close());
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
