#!/usr/bin/env node
// The `dpa-guard` command. This file exists before the build, so `npm ci` on a fresh clone
// links the command; the CLI itself is compiled to dist/.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(cli)) {
  await import(cli.href);
} else {
  console.error('dpa-guard: the CLI is not built yet; run `npm run build` first.');
  process.exitCode = 2;
}
