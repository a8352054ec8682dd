import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: one temporary root for the whole run, handed to the workers through EPITRACE_TEST_TMP
 * (tempDir puts every test folder under it) and removed at the end, however the workers ended. Before, each
 * run left about 1 GB in /tmp, and 64 GB of leftovers once filled the disk. EPITRACE_KEEP_TMP=1 keeps it.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'epitrace-test-run-'));
  process.env['EPITRACE_TEST_TMP'] = root;
  return () => {
    if (!process.env['EPITRACE_KEEP_TMP']) rmSync(root, { recursive: true, force: true });
  };
}
