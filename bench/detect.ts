// Detection throughput against JSON.parse of the same bytes, in one run (issue 3).
import { createGuard } from '@dpa-guard/sdk';
import type { OpenRedaction as OpenRedactionClass } from 'openredaction';
import { Bench } from 'tinybench';
import { bulkImport, typedWrite, typicalWrite } from './bodies.js';
import { courseImport } from './course-content.js';

interface Row {
  label: string;
  bytes: number;
  parseMbps: number;
  inspectMbps: number;
  ratio: number;
  /** The adapter's path: the same value, with the JSON bytes it was parsed from. */
  bytesMbps: number;
}

const guard = createGuard();

/** Parses a pool of copies up front, so each timed inspection gets a freshly parsed body. */
function pool(json: string, size: number): unknown[] {
  return Array.from({ length: size }, () => JSON.parse(json) as unknown);
}

async function measure(label: string, json: string, time: number): Promise<Row> {
  const bodies = pool(json, 64);
  let next = 0;
  const bench = new Bench({ time, warmup: true, warmupTime: Math.min(500, time / 2) });
  bench.add(`JSON.parse ${label}`, () => JSON.parse(json));
  bench.add(`inspect ${label}`, () => {
    guard.inspect(bodies[next++ % bodies.length]);
  });
  const text = Buffer.from(json);
  bench.add(`inspect ${label} with its bytes`, () => {
    guard.inspect(bodies[next++ % bodies.length], { json: text });
  });
  await bench.run();
  const [parse, inspect, withBytes] = bench.tasks.map((task) => meanMs(task.result));
  const bytes = Buffer.byteLength(json);
  const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
  const parseMbps = mbps(parse!);
  const inspectMbps = mbps(inspect!);
  return {
    label,
    bytes,
    parseMbps,
    inspectMbps,
    ratio: inspectMbps / parseMbps,
    bytesMbps: mbps(withBytes!),
  };
}

async function openRedaction(
  label: string,
  json: string,
  time: number,
): Promise<number | undefined> {
  let OpenRedaction: typeof OpenRedactionClass;
  try {
    ({ OpenRedaction } = await import('openredaction'));
  } catch {
    return undefined;
  }
  const redactor = new OpenRedaction();
  const bench = new Bench({ time, iterations: 3 });
  bench.add(`openredaction ${label}`, async () => {
    await redactor.detect(json);
  });
  await bench.run();
  return Buffer.byteLength(json) / 1e6 / (meanMs(bench.tasks[0]?.result) / 1000);
}

interface LoopRow {
  label: string;
  bytes: number;
  parseMs: number;
  loopMs: number;
  wallMs: number;
}

/**
 * Event-loop time per body of inspectAsync, by the loop's own utilisation: what the main
 * thread spends (posting the bytes, deciding) while a worker inspects.
 */
async function eventLoopTime(label: string, json: string, rounds: number): Promise<LoopRow> {
  const offGuard = createGuard({
    audit: { enabled: false },
    breach: { deliver: false, logger: false },
  });
  const value = JSON.parse(json) as unknown;
  const bytes = Buffer.from(json);
  await offGuard.inspectAsync(value, { json: bytes }); // starts a worker, compiles it
  await offGuard.inspectAsync(value, { json: bytes });
  const before = performance.eventLoopUtilization();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await offGuard.inspectAsync(value, { json: bytes });
  const wallMs = (performance.now() - start) / rounds;
  const used = performance.eventLoopUtilization(before);
  await offGuard.close();
  const parseStart = performance.now();
  for (let i = 0; i < rounds * 4; i++) JSON.parse(json);
  const parseMs = (performance.now() - parseStart) / (rounds * 4);
  return { label, bytes: bytes.length, parseMs, loopMs: used.active / rounds, wallMs };
}

/**
 * The ceiling of any screen that steps an automaton once per byte: a table load per byte,
 * each waiting for the one before (the state), and nothing else, over the same bytes. If
 * this alone is slower than `JSON.parse`, no such screen reaches 1.0x.
 */
async function automatonFloor(json: string, time: number): Promise<number> {
  const bytes = Buffer.from(json);
  const classes = 42;
  const classOf = Uint8Array.from({ length: 256 }, (_, b) => b % classes);
  // States spread over the table as a screen's are (offsets into rows of `classes`).
  const table = Int32Array.from({ length: 64 * classes }, (_, i) => ((i * 7) % 64) * classes);
  let sink = 0;
  const bench = new Bench({ time, warmup: true, warmupTime: Math.min(500, time / 2) });
  bench.add('JSON.parse', () => JSON.parse(json));
  bench.add('automaton floor', () => {
    let state = 0;
    for (let i = 0; i < bytes.length; i++) state = table[state + classOf[bytes[i]!]!]!;
    sink ^= state;
  });
  await bench.run();
  const [parse, floor] = bench.tasks.map((task) => meanMs(task.result));
  return sink === -1 ? 0 : parse! / floor!;
}

/** Mean latency in ms of a finished tinybench task. */
function meanMs(result: unknown): number {
  const mean = (result as { latency?: { mean?: number } } | undefined)?.latency?.mean;
  if (mean === undefined) throw new Error('benchmark task did not complete');
  return mean;
}

export async function benchDetection({ quick = false } = {}): Promise<string> {
  const rows: Row[] = [];
  const small = typicalWrite();
  const large = bulkImport();
  rows.push(await measure('2 KB write', small, quick ? 300 : 2000));
  rows.push(await measure('2 KB, typed', typedWrite(), quick ? 300 : 2000));
  rows.push(await measure('1 MB import', large, quick ? 500 : 4000));
  const course = courseImport();
  rows.push(await measure('1 MB course', course, quick ? 500 : 4000));
  const floorRatio = await automatonFloor(small, quick ? 300 : 1000);
  const offThread = [
    await eventLoopTime('1 MB import', large, quick ? 6 : 24),
    await eventLoopTime('1 MB course', course, quick ? 6 : 24),
  ];
  const peers: { label: string; mbps: number }[] = [];
  for (const [label, json] of [
    ['2 KB write', small],
    ['1 MB import', large],
  ] as const) {
    const mbps = await openRedaction(label, json, quick ? 200 : 1000);
    if (mbps !== undefined) peers.push({ label, mbps });
  }
  const lines = [
    'Detection: inspecting a freshly parsed body vs JSON.parse of the same bytes (same run)',
    '',
  ];
  lines.push('body           bytes     JSON.parse MB/s   inspect MB/s   ratio (inspect/parse)');
  for (const r of rows) {
    lines.push(
      `${r.label.padEnd(13)} ${String(r.bytes).padStart(8)}   ${r.parseMbps.toFixed(1).padStart(15)}   ${r.inspectMbps.toFixed(1).padStart(12)}   ${r.ratio.toFixed(2).padStart(8)}`,
    );
  }
  lines.push(
    '',
    'The adapter hands over the JSON bytes too (guard.inspect(value, { json })): screened in one pass, walked only on a maybe',
  );
  for (const r of rows) {
    lines.push(
      `${r.label.padEnd(13)} ${String(r.bytes).padStart(8)}   ${r.parseMbps.toFixed(1).padStart(15)}   ${r.bytesMbps.toFixed(1).padStart(12)}   ${(r.bytesMbps / r.parseMbps).toFixed(2).padStart(8)}`,
    );
  }
  lines.push(
    '',
    `Ceiling of a screen stepping an automaton once per byte (one dependent table load per byte, nothing else): ${floorRatio.toFixed(2)}x JSON.parse on the 2 KB write`,
  );
  lines.push(
    '',
    'Off the event loop: guard.inspectAsync(value, { json }) sends bodies of 256 KiB and more to worker threads;',
    'event-loop time per body against JSON.parse of it (the part a large body costs every other request)',
  );
  for (const r of offThread) {
    lines.push(
      `${r.label.padEnd(13)} ${String(r.bytes).padStart(8)}   parse ${r.parseMs.toFixed(2).padStart(6)} ms   event loop ${r.loopMs.toFixed(2).padStart(6)} ms   ratio ${(r.parseMs / r.loopMs).toFixed(2).padStart(6)}   (worker wall ${r.wallMs.toFixed(1)} ms)`,
    );
  }
  if (peers.length > 0) {
    lines.push('', 'Peer: OpenRedaction detect() on the same JSON text');
    for (const p of peers) {
      const ours = rows.find((r) => r.label === p.label)!;
      lines.push(
        `${p.label.padEnd(13)} ${p.mbps.toFixed(2).padStart(8)} MB/s   (dpa-guard inspects ${(ours.inspectMbps / p.mbps).toFixed(0)}x faster)`,
      );
    }
  } else {
    lines.push('', 'Peer: OpenRedaction is not installed; skipped.');
  }
  return lines.join('\n');
}
