import * as http from 'node:http';
import type { LookupFunction } from 'node:net';

/** The platform's calls to its subprocessors (clause 5). */
export interface Subprocessors {
  /** Sends a transactional e-mail through the EEA mailer; resolves with the HTTP status. */
  sendMail(message: { to: string; subject: string }): Promise<number>;
  /** Uploads a course video to the US video host; resolves with the HTTP status. */
  uploadVideo(video: { course: string; title: string }): Promise<number>;
}

export const MAILER_HOST = 'api.mailer.example.eu';
export const VIDEO_HOST = 'upload.videohost.example.com';

/**
 * Real clients with real hostnames: the outbound guard judges them by hostname. The
 * example has no internet, so the mailer's name resolves to a local stand-in (`mailerPort`
 * on 127.0.0.1); the video host is never reached, because the guard stops it first.
 */
export function createSubprocessors(options: { mailerPort: number }): Subprocessors {
  const toLocal = ((_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all === true)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: '127.0.0.1', family: 4 },
      ]);
    else (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
  }) as LookupFunction;
  return {
    sendMail: (message) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          {
            hostname: MAILER_HOST,
            port: options.mailerPort,
            path: '/v3/send',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            lookup: toLocal,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(message));
      }),
    uploadVideo: async (video) => {
      const res = await fetch(`https://${VIDEO_HOST}/v1/videos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(video),
      });
      return res.status;
    },
  };
}

/** A local stand-in for the mailer: accepts every message with 202 and counts them. */
export async function startMailerStandIn(): Promise<{
  port: number;
  received: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    received: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
