import express, { type Request, type RequestHandler, type Response } from 'express';

/** What reading a write's body came to. */
export type BodyOutcome =
  | { kind: 'parsed'; value: unknown }
  | { kind: 'empty' }
  | { kind: 'malformed'; detail: string }
  | { kind: 'too-large'; detail: string }
  | { kind: 'unsupported'; detail: string };

export interface BodyReaderOptions {
  /** The largest body read, in bytes (the policy's detection.limits.maxBodyBytes). */
  limit: number;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Reads a write's body with Express's own parsers (JSON, urlencoded, text) and turns
 * their errors into outcomes instead of Express's HTML error page. Compressed bodies are
 * not inflated: what cannot be inspected as sent is reported as such.
 */
export function createBodyReader(
  options: BodyReaderOptions,
): (req: Request, res: Response) => Promise<BodyOutcome> {
  const common = { limit: options.limit, inflate: false };
  const parsers: RequestHandler[] = [
    express.json({ ...common, strict: false, type: JSON_TYPES }),
    express.urlencoded({ ...common, extended: false }),
    express.text({ ...common, type: 'text/*' }),
  ];
  return async (req, res) => {
    if (req.body !== undefined) return { kind: 'parsed', value: req.body as unknown }; // parsed before us
    if (!hasBody(req)) return { kind: 'empty' };
    for (const parser of parsers) {
      const error = await run(parser, req, res);
      if (error !== undefined) return outcomeOf(error);
      if (req.body !== undefined) return { kind: 'parsed', value: req.body as unknown };
    }
    const type = req.get('content-type') ?? 'none';
    return {
      kind: 'unsupported',
      detail: `a body of type "${type.split(';')[0]}" cannot be inspected`,
    };
  };
}

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

function run(parser: RequestHandler, req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve) => {
    void parser(req, res, (error?: unknown) => resolve(error));
  });
}

function outcomeOf(error: unknown): BodyOutcome {
  const { type, status } = error as { type?: string; status?: number };
  switch (type ?? '') {
    case 'entity.too.large':
      return {
        kind: 'too-large',
        detail: 'the body is larger than the policy lets dpa-guard inspect',
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
