import { createGuard, type Guard } from '@dpa-guard/sdk';
import express, { type Express } from 'express';

export interface ExampleApp {
  app: Express;
  guard: Guard;
}

/** Builds the example platform: an Express app with the guard on its built-in policy. */
export function createApp(options: { policy?: string[] } = {}): ExampleApp {
  const guard = createGuard(options.policy === undefined ? {} : { policy: options.policy });
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', policyVersion: guard.policy.version, mode: guard.policy.policy.mode });
  });
  return { app, guard };
}
