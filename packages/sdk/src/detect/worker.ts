// The detection worker: inspects large JSON bodies off the main thread (see workers.ts).
// It receives the body's bytes and the policy's detection settings, and answers with the
// findings, which hold categories, paths, confidences and rules: never a detected value.
import { parentPort } from 'node:worker_threads';
import type { DetectionSettings } from '../policy/types.js';
import { DetectionEngine, type Detection } from './engine.js';

export interface DetectRequest {
  id: number;
  /** The detection settings as JSON: engines are kept by it. */
  settings: string;
  json: Uint8Array;
}

export type DetectReply =
  | { id: number; ok: true; detection: Detection }
  | { id: number; ok: false; error: { name: string; message: string } };

/** Engines by settings: a process has one policy, or a few while one is reloaded. */
const engines = new Map<string, DetectionEngine>();
const ENGINES_KEPT = 8;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function detect({ settings, json }: DetectRequest) {
  let engine = engines.get(settings);
  if (engine === undefined) {
    engine = new DetectionEngine(JSON.parse(settings) as DetectionSettings);
    if (engines.size >= ENGINES_KEPT) engines.clear();
    engines.set(settings, engine);
  }
  return engine.detectJson(json, JSON.parse(utf8.decode(json)) as unknown);
}

parentPort?.on('message', (request: DetectRequest) => {
  let reply: DetectReply;
  try {
    reply = { id: request.id, ok: true, detection: detect(request) };
  } catch (error) {
    // Only the error's kind crosses back: a parse error's message can quote the body.
    reply = {
      id: request.id,
      ok: false,
      error: { name: (error as Error).name, message: 'the body could not be inspected' },
    };
  }
  parentPort!.postMessage(reply);
});
