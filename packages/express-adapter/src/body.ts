import express, { type Request, type RequestHandler, type Response } from 'express';

/** What reading a write's body came to. */
export type BodyOutcome =
  | {
      kind: 'parsed';
      value: unknown;
      /** The UTF-8 JSON text the value was parsed from, when we parsed JSON ourselves. */
      json?: Uint8Array;
    }
  | { kind: 'empty' }
  | { kind: 'malformed'; detail: string }
  | {
      kind: 'too-large';
      detail: string;
      /** Part of the body was read before the limit showed: it cannot be passed on. */
      consumed: boolean;
    }
  | { kind: 'unsupported'; detail: string };

export interface BodyReaderOptions {
  /** The largest body read, in bytes (the policy's detection.limits.maxBodyBytes). */
  limit: number;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Reads a write's body with Express's own parsers (JSON, urlencoded, text) and turns
 * their errors into outcomes instead of Express's HTML error page. Compressed bodies are
 * not inflated: what cannot be inspected as sent is reported as such. Callback-based, as
 * the parsers are: this runs for every write, and a promise per step costs more than the
 * reading does.
 */
export function createBodyReader(
  options: BodyReaderOptions,
): (req: Request, res: Response, done: (outcome: BodyOutcome) => void) => void {
  const common = { limit: options.limit, inflate: false };
  // The raw JSON bytes, kept for the guard: screening them is far cheaper than walking
  // the parsed value (see the SDK's JSON screen). Other charsets are decoded by the
  // parser, and their bytes are not UTF-8: those values are walked. The parser calls
  // `verify`, parses and calls back in one synchronous run, so the bytes wait here for
  // that one request; a property on the request would change the shape of every request
  // object Express touches.
  let verified: { req: Request; bytes: Uint8Array } | undefined;
  const keepJson = (req: Request, _res: Response, bytes: Buffer, encoding: string) => {
    verified =
      encoding === 'utf-8' || encoding.toLowerCase().replace('-', '') === 'utf8'
        ? { req, bytes }
        : undefined;
  };
  const takeJson = (req: Request): Uint8Array | undefined => {
    const bytes = verified?.req === req ? verified.bytes : undefined;
    verified = undefined;
    return bytes;
  };
  const parsers: RequestHandler[] = [
    express.json({ ...common, strict: false, type: JSON_TYPES, verify: keepJson }),
    express.urlencoded({ ...common, extended: false }),
    express.text({ ...common, type: 'text/*' }),
  ];
  const parsed = (req: Request): BodyOutcome => {
    const json = takeJson(req);
    return json === undefined
      ? { kind: 'parsed', value: req.body as unknown }
      : { kind: 'parsed', value: req.body as unknown, json };
  };
  return (req, res, done) => {
    if (req.body !== undefined) return done(parsedBefore(req.body as unknown));
    if (!hasBody(req)) return done({ kind: 'empty' });
    // Declared too large: said so without reading a byte, so that under monitor the body
    // goes on to the route as it came.
    if (Number(req.get('content-length') ?? 0) > options.limit)
      return done({ kind: 'too-large', detail: TOO_LARGE, consumed: false });
    const tryParser = (k: number): void => {
      const parser = parsers[k];
      if (parser === undefined) {
        const type = req.get('content-type') ?? 'none';
        return done({
          kind: 'unsupported',
          detail: `a body of type "${type.split(';')[0]}" cannot be inspected`,
        });
      }
      void parser(req, res, (error?: unknown) => {
        if (error !== undefined) {
          verified = undefined;
          return done(outcomeOf(error));
        }
        if (req.body !== undefined) done(parsed(req));
        else tryParser(k + 1);
      });
    };
    tryParser(0);
  };
}

/**
 * A body another parser read before the guard: a value is inspected as it is; raw bytes
 * (`express.raw()`) or a stream cannot be, and a silent pass would let anything through.
 */
function parsedBefore(body: unknown): BodyOutcome {
  if (body instanceof Uint8Array || body instanceof ArrayBuffer || isStream(body))
    return {
      kind: 'unsupported',
      detail:
        'the body was read as raw bytes before dpa-guard (express.raw?); put dpaGuard() before that parser',
    };
  return { kind: 'parsed', value: body };
}

function isStream(value: unknown): boolean {
  return typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

const TOO_LARGE = 'the body is larger than the policy lets dpa-guard inspect';

function outcomeOf(error: unknown): BodyOutcome {
  const { type, status } = error as { type?: string; status?: number };
  switch (type ?? '') {
    case 'entity.too.large':
      return { kind: 'too-large', detail: TOO_LARGE, consumed: true };
    case 'parameters.too.many':
      return {
        kind: 'too-large',
        detail: 'the form has more fields than dpa-guard reads (1,000)',
        consumed: true,
      };
    case 'encoding.unsupported':
      return {
        kind: 'unsupported',
        detail: 'compressed bodies cannot be inspected; send them uncompressed',
      };
    case 'charset.unsupported':
      return { kind: 'unsupported', detail: "the body's charset is not supported; send UTF-8" };
    case 'entity.parse.failed':
      // The parser's message may quote the body: say only what is wrong.
      return { kind: 'malformed', detail: 'the body is not valid JSON' };
    default:
      return status === 400
        ? { kind: 'malformed', detail: 'the body could not be read for its content type' }
        : { kind: 'malformed', detail: 'the body could not be read' };
  }
}
