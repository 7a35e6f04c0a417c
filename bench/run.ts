// `npm run bench`: every benchmark, each reported as a ratio against its baseline measured
// in the same run (never absolute times: machines differ). `--quick` for a short run.
import { benchDetection } from './detect.js';

const quick = process.argv.includes('--quick');
process.stdout.write(`${await benchDetection({ quick })}\n`);
