import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The embedded journals (breach outbox, audit trail) of guards created without a directory
// go here, not into the repository.
process.env.DPA_GUARD_DIR ??= mkdtempSync(join(tmpdir(), 'dpa-guard-tests-'));
