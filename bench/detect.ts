// Detection throughput against JSON.parse of the same bytes, in one run (issue 3).
import { readFileSync } from 'node:fs';
import { createGuard } from '@dpa-guard/sdk';
import type { OpenRedaction as OpenRedactionClass } from 'openredaction';
import { Bench } from 'tinybench';
import type initWabt from 'wabt';
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

/** Ceilings of a screen that steps an automaton per byte, as ratios to JSON.parse. */
interface Ceilings {
  /** One chain of dependent table loads over the bytes, in JavaScript. */
  one: number;
  /** Two chains at once (each half of the bytes), in JavaScript. */
  two: number;
  /** The same two loops in WebAssembly, when wabt (a dev dependency) is there to build them. */
  wasm?: { one: number; two: number };
}

/**
 * The ceiling of any screen that steps an automaton once per byte: a table load per byte,
 * each waiting for the one before (the state), and nothing else, over the same bytes. If
 * this alone is slower than `JSON.parse`, no such screen reaches 1.0x. Two chains (each
 * half of the bytes, a step of each per turn) keep two loads in flight: what a screen that
 * reads two parts of a text at once could reach, in JavaScript and in WebAssembly.
 */
async function automatonCeilings(json: string, time: number): Promise<Ceilings> {
  const bytes = Buffer.from(json);
  const n = bytes.length;
  const mid = n >> 1;
  const classes = 42;
  const classOf = Uint8Array.from({ length: 256 }, (_, b) => b % classes);
  // States spread over the table as a screen's are (offsets into rows of `classes`).
  const table = Int32Array.from({ length: 64 * classes }, (_, i) => ((i * 7) % 64) * classes);
  let sink = 0;
  const bench = new Bench({ time, warmup: true, warmupTime: Math.min(500, time / 2) });
  bench.add('JSON.parse', () => JSON.parse(json));
  bench.add('automaton, one chain', () => {
    let state = 0;
    for (let i = 0; i < n; i++) state = table[state + classOf[bytes[i]!]!]!;
    sink ^= state;
  });
  bench.add('automaton, two chains', () => {
    let a = 0;
    let b = 0;
    for (let i = 0; i < mid; i++) {
      a = table[a + classOf[bytes[i]!]!]!;
      b = table[b + classOf[bytes[mid + i]!]!]!;
    }
    for (let i = 2 * mid; i < n; i++) b = table[b + classOf[bytes[i]!]!]!;
    sink ^= a ^ b;
  });
  const wasm = await wasmCeiling(bytes, classOf, table);
  if (wasm !== undefined) {
    bench.add('automaton in WebAssembly, one chain', () => {
      sink ^= wasm.one(n);
    });
    bench.add('automaton in WebAssembly, two chains', () => {
      sink ^= wasm.two(n);
    });
  }
  await bench.run();
  const [parse, ...loops] = bench.tasks.map((task) => meanMs(task.result));
  if (sink === -1) throw new Error('unreachable: keeps the loops from being optimised away');
  const ratio = (ms: number | undefined) => parse! / ms!;
  return {
    one: ratio(loops[0]),
    two: ratio(loops[1]),
    ...(wasm === undefined ? {} : { wasm: { one: ratio(loops[2]), two: ratio(loops[3]) } }),
  };
}

/** Node's WebAssembly global, as far as this bench uses it (@types/node does not declare it). */
const wasmRuntime = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }> };
  }
).WebAssembly;

interface CeilingModule {
  one(n: number): number;
  two(n: number): number;
}

/** The loops of automaton-ceiling.wat over `bytes`, or undefined without wabt. */
async function wasmCeiling(
  bytes: Uint8Array,
  classOf: Uint8Array,
  table: Int32Array,
): Promise<CeilingModule | undefined> {
  let init: typeof initWabt;
  try {
    // (A CommonJS module: its `export =` function is the namespace's default.)
    ({ default: init } = (await import('wabt')) as unknown as { default: typeof initWabt });
  } catch {
    return undefined;
  }
  const wabt = await init();
  const source = readFileSync(new URL('../automaton-ceiling.wat', import.meta.url), 'utf8');
  const parsed = wabt.parseWat('automaton-ceiling.wat', source);
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const { instance } = await wasmRuntime.instantiate(buffer);
  const exports = instance.exports as CeilingModule & { memory: { buffer: ArrayBuffer } };
  const CLASSES = 65536;
  const TABLE = 65792;
  if (bytes.length > CLASSES) throw new Error('the ceiling body must fit below the class table');
  const memory = new Uint8Array(exports.memory.buffer);
  memory.set(bytes, 0);
  for (let b = 0; b < 256; b++) memory[CLASSES + b] = classOf[b]! * 4;
  const view = new DataView(exports.memory.buffer);
  for (let i = 0; i < table.length; i++) view.setInt32(TABLE + 4 * i, table[i]! * 4, true);
  return exports;
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
  const ceilings = await automatonCeilings(small, quick ? 300 : 1000);
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
    `Ceiling of a screen stepping an automaton once per byte (one dependent table load per byte, nothing else): ${ceilings.one.toFixed(2)}x JSON.parse on the 2 KB write`,
    `  with two chains at once (each half of the bytes): ${ceilings.two.toFixed(2)}x in JavaScript` +
      (ceilings.wasm === undefined
        ? ' (WebAssembly not measured: wabt is not installed)'
        : `; in WebAssembly ${ceilings.wasm.one.toFixed(2)}x with one chain, ${ceilings.wasm.two.toFixed(2)}x with two`),
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
