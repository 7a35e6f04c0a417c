import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/** How long a client may take, so a slow one cannot hold a connection for as long as it likes. */
export interface ServeOptions {
  /** Until the request's headers are in. Default 10 s. */
  headersTimeoutMs?: number;
  /** Until the whole request, body included, is in. Default 30 s. */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveTimeoutMs?: number;
}

/**
 * Serves the app on `port` (0: any free one) with Node's request timeouts set:
 * a client that sends its headers or body slowly gets 408 and its connection closed.
 */
export function serve(app: Express, port: number, options: ServeOptions = {}): Promise<Server> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout,
      // Timeouts are checked this often (Node's default, 30 s, would let a slow body linger).
      connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    },
    app,
  );
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
