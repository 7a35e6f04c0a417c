// `npm run bench`: every benchmark, each reported as a ratio against its baseline measured
// in the same run (never absolute times: machines differ). `--quick` for a short run;
// `--only detect|http|postgres` for one of them.
import { benchDetection } from './detect.js';
import { benchHttp } from './http.js';
import { benchPostgres } from './postgres.js';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;

if (only === undefined || only === 'detect')
  process.stdout.write(`${await benchDetection({ quick })}\n\n`);
if (only === undefined || only === 'http')
  process.stdout.write(`${await benchHttp({ quick })}\n\n`);
if (only === undefined || only === 'postgres') process.stdout.write(`${await benchPostgres()}\n`);
