import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { DetectionEngine } from '../detect/engine.js';
import type { Guard } from '../guard.js';
import { parseCommandArgs } from './args.js';
import { loadGuard } from './load-guard.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

const SCAN_HELP = `Usage: dpa-guard scan [--policy FILE]... [--tenant ID] [--route "METHOD /path"] [--explain] [FILE]

Reads JSON Lines (each line one JSON value) from FILE, or from standard input, and writes
one JSON line per input line with the decision:
  {"blocked":true,"findings":[{"category":"bsn","path":"/notes","confidence":0.97,"rule":"bsn.keyword"}]}
A line that is not JSON gets {"error":"…"} and the scan goes on. Findings never contain
the matched text. A summary goes to standard error, and for a large FILE on a terminal
a progress bar.

Options:
  --policy FILE   a policy or tenant agreement file (repeatable; default: built-in policy)
  --tenant ID     decide for this tenant (its exceptions apply)
  --route R       the route the data is written to, for route-scoped exceptions
  --explain       add to each finding the signals behind it: the lexicon term, how it
                  matched, the field, the context, the model's and the rules' scores and
                  the strongest features (never the text that matched), e.g.
                  {"category":"health","path":"/reason","confidence":0.93,"term":"epilepsie",
                   "modelScore":0.93,"signals":[{"feature":"k:first-person","weight":1.4},…]}
  -h, --help      show this help

Exit status: 0 nothing blocked, 1 at least one line blocked, 2 bad usage or unreadable input.`;

export async function scanCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const command = 'scan';
  const { values, positionals } = parseCommandArgs(command, argv, {
    policy: { type: 'string', multiple: true },
    tenant: { type: 'string' },
    route: { type: 'string' },
    explain: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(`${SCAN_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1)
    throw new UsageError(command, 'scan reads one FILE (or standard input)');
  const guard = loadGuard(command, values.policy, io);
  if (typeof guard === 'number') return guard;
  const file =
    positionals[0] === undefined || positionals[0] === '-'
      ? undefined
      : resolve(io.cwd, positionals[0]);
  let total = 0;
  if (file !== undefined) {
    try {
      const info = statSync(file);
      if (!info.isFile()) throw new Error('not a regular file');
      total = info.size;
    } catch (error) {
      io.stderr.write(
        `dpa-guard scan: cannot read ${positionals[0]}: ${(error as Error).message}\n`,
      );
      return EXIT.usage;
    }
  }
  const input = file === undefined ? io.stdin : createReadStream(file);
  // A progress bar only for a file on a terminal: piped output stays clean JSON Lines.
  const bar =
    file !== undefined && io.stderr.isTTY === true && total > 1_000_000
      ? new SingleBar({
          format: 'scanning {bar} {percentage}% | {value}/{total} bytes | {lines} lines',
          stream: io.stderr,
        })
      : undefined;
  bar?.start(total, 0, { lines: 0 });
  const context = { tenant: values.tenant, route: values.route };
  const explainer =
    values.explain === true ? new DetectionEngine(guard.policy.policy.detection) : undefined;
  const summary = { lines: 0, blocked: 0, errors: 0 };
  let bytes = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    summary.lines++;
    bytes += Buffer.byteLength(line) + 1;
    const result = scanLine(guard, line, context, explainer);
    if ('error' in result) summary.errors++;
    else if (result.blocked) summary.blocked++;
    if (!io.stdout.write(`${JSON.stringify(result)}\n`))
      await new Promise((r) => io.stdout.once('drain', r));
    if (bar !== undefined && summary.lines % 500 === 0)
      bar.update(Math.min(bytes, total), { lines: summary.lines });
  }
  bar?.update(total, { lines: summary.lines });
  bar?.stop();
  // The summary goes to standard error, so standard output stays clean JSON Lines.
  io.stderr.write(
    `dpa-guard scan: ${summary.lines} line(s), ${summary.blocked} blocked, ${summary.errors} not JSON\n`,
  );
  await guard.close();
  return summary.blocked > 0 ? EXIT.failed : EXIT.ok;
}

type LineResult =
  { blocked: boolean; findings: unknown[]; incomplete?: string } | { error: string };

function scanLine(
  guard: Guard,
  line: string,
  context: { tenant: string | undefined; route: string | undefined },
  explainer: DetectionEngine | undefined,
): LineResult {
  if (line.trim() === '') return { error: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    // JSON.parse's message can quote the input; say only where it went wrong.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return {
      error: `not valid JSON${position === undefined ? '' : ` (at character ${position})`}`,
    };
  }
  const decision = guard.inspect(value, context);
  let findings: unknown[] = decision.findings;
  if (explainer !== undefined) {
    // The decision's findings (exceptions applied), each with the signals behind it.
    const explained = explainer.explain(value);
    findings = decision.findings.map(
      (f) => explained.find((e) => e.category === f.category && e.path === f.path) ?? f,
    );
  }
  return decision.incomplete === undefined
    ? { blocked: decision.blocked, findings }
    : { blocked: decision.blocked, findings, incomplete: decision.incomplete };
}
