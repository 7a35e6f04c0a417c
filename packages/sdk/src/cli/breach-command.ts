import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultDataDir } from '../storage/dirs.js';
import { FileOutbox, outboxOwner, readOutbox } from '../breach/file-outbox.js';
import { requestRetry, statusOf, type SignalStatus } from '../breach/service.js';
import { verifyWebhook } from '../breach/webhook.js';
import { DpaGuardError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import { formatTable } from './table.js';
import { runSubcommand } from './subcommands.js';
import { EXIT, UsageError, type CliIo, type ExitCode } from './io.js';

const HELP = `Usage: dpa-guard breach <command> [options]

Breach signals (clause 8) in the embedded outbox, and a check for receivers.

Commands:
  list [--dir DIR] [--json]        open and delivered signals, with the time left to their deadline
  retry ID [--dir DIR]             deliver a signal again now (also when a running process holds it)
  verify --secret-env NAME [FILE]  check a received webhook (an HTTP message: headers, a blank
                                   line, the body) from FILE or standard input

Options:
  --dir DIR          the outbox directory (default: $DPA_GUARD_DIR/breach or .dpa-guard/breach)
  --secret-env NAME  the environment variable holding the whsec_ secret
  --tolerance SECS   how far webhook-timestamp may be off (default 300)
  -h, --help         show this help

Exit status: 0 done (verify: valid), 1 not found (verify: invalid), 2 bad usage.`;

export async function breachCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  return runSubcommand('breach', HELP, { list, retry, verify }, argv, io);
}

function dirOf(value: string | undefined, io: CliIo): string {
  return value === undefined ? defaultDataDir(io.cwd, io.env, 'breach') : resolve(io.cwd, value);
}

function list(argv: readonly string[], io: CliIo): ExitCode {
  const { values } = parseCommandArgs('breach list', argv, {
    dir: { type: 'string' },
    json: { type: 'boolean' },
  });
  const now = Date.now();
  const signals = readOutbox(dirOf(values.dir, io)).map((e) => statusOf(e, now));
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(signals, null, 2)}\n`);
    return EXIT.ok;
  }
  if (signals.length === 0) {
    io.stdout.write('No breach signals in the outbox.\n');
    return EXIT.ok;
  }
  const header = ['id', 'kind', 'tenants', 'state', 'deadline', 'time left', 'deliveries'];
  const rows = signals.map((s) => [
    s.id,
    s.kind,
    s.tenants.join(','),
    s.state,
    s.deadline,
    s.state === 'delivered' ? '-' : timeLeft(s.timeLeftMs),
    deliveries(s),
  ]);
  io.stdout.write(`${formatTable(header, rows)}\n`);
  const open = signals.filter((s) => s.state !== 'delivered');
  const overdue = open.filter((s) => s.timeLeftMs < 0).length;
  io.stdout.write(
    `\n${String(signals.length)} signal(s): ${String(open.length)} open${overdue > 0 ? ` (${String(overdue)} OVERDUE)` : ''}, ${String(signals.length - open.length)} delivered.\n`,
  );
  return EXIT.ok;
}

function timeLeft(ms: number): string {
  const abs = Math.abs(ms);
  const text = `${String(Math.floor(abs / 3_600_000))}h ${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, '0')}m`;
  return ms < 0 ? `OVERDUE ${text}` : text;
}

function deliveries(s: SignalStatus): string {
  const parts = Object.entries(s.deliveries).map(
    ([hook, d]) =>
      `${hook}:${d.status}(${String(d.attempts)})${d.lastError === undefined || d.status !== 'pending' ? '' : ` ${d.lastError}`}`,
  );
  return parts.length === 0 ? 'not attempted' : parts.join('; ');
}

async function retry(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('breach retry', argv, {
    dir: { type: 'string' },
  });
  const [id] = positionals;
  if (id === undefined || positionals.length > 1)
    throw new UsageError('breach retry', 'give one signal ID');
  const dir = dirOf(values.dir, io);
  const entry = readOutbox(dir).find((e) => e.signal.id === id);
  if (entry === undefined) {
    io.stderr.write(`dpa-guard breach retry: no signal ${id} in ${dir}\n`);
    return EXIT.failed;
  }
  const owner = outboxOwner(dir);
  if (owner !== undefined) {
    requestRetry(`${dir}/retry-requests`, id);
    io.stdout.write(
      `Asked process ${String(owner)}, which holds the outbox, to deliver ${id} again now.\n`,
    );
    return EXIT.ok;
  }
  const outbox = new FileOutbox(dir);
  try {
    const now = new Date().toISOString();
    for (const [hook, state] of Object.entries(entry.deliveries)) {
      if (state.status !== 'delivered')
        await outbox.setDelivery(id, hook, {
          status: 'pending',
          attempts: state.attempts,
          nextAttemptAt: now,
        });
    }
  } finally {
    await outbox.close();
  }
  io.stdout.write(
    `${id} is due for delivery again; the next process that opens the outbox delivers it.\n`,
  );
  return EXIT.ok;
}

async function verify(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('breach verify', argv, {
    'secret-env': { type: 'string' },
    tolerance: { type: 'string' },
  });
  const name = values['secret-env'];
  if (name === undefined) throw new UsageError('breach verify', '--secret-env NAME is required');
  const secret = io.env[name];
  if (secret === undefined || secret === '') {
    io.stderr.write(`dpa-guard breach verify: environment variable ${name} is not set\n`);
    return EXIT.usage;
  }
  const tolerance = values.tolerance === undefined ? 300 : Number(values.tolerance);
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new UsageError('breach verify', '--tolerance must be a number of seconds');
  let message: string;
  try {
    message =
      positionals[0] === undefined || positionals[0] === '-'
        ? await readAll(io.stdin)
        : readFileSync(resolve(io.cwd, positionals[0]), 'utf8');
  } catch (error) {
    io.stderr.write(
      `dpa-guard breach verify: cannot read ${positionals[0] ?? 'standard input'}: ${(error as Error).message}\n`,
    );
    return EXIT.usage;
  }
  const { headers, body } = parseHttpMessage(message);
  let verdict;
  try {
    verdict = verifyWebhook(secret, headers, body, new Date(), tolerance);
  } catch (error) {
    if (!(error instanceof DpaGuardError)) throw error;
    io.stderr.write(`dpa-guard breach verify: ${name}: ${error.message}\n`);
    return EXIT.usage;
  }
  if (verdict.valid) {
    io.stdout.write(
      `valid: webhook ${verdict.id}, signed at ${new Date(verdict.timestamp * 1000).toISOString()}\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(`INVALID: ${verdict.reason}\n`);
  return EXIT.failed;
}

/** Headers up to the first blank line (an optional request line first), then the body. */
export function parseHttpMessage(message: string): {
  headers: Record<string, string>;
  body: string;
} {
  const normalised = message.replace(/^\uFEFF/, '');
  const split = /\r?\n\r?\n/.exec(normalised);
  const head = split === null ? normalised : normalised.slice(0, split.index);
  const body =
    split === null ? '' : normalised.slice(split.index + split[0].length).replace(/\r?\n$/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^[A-Z]+ \S+ HTTP\//.test(line)) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return text;
}
