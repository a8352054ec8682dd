/**
 * bench/serve.ts's server when `epitrace serve` has no --cache-mb flag: the same startServer as the CLI, with
 * the response cache size given, in its own process; prints "EpiTrace is serving URL" and stops on SIGTERM.
 *
 *   npx tsx bench/serve-server.ts --workspace DIR --cache-mb N [--max-concurrent N]
 */
import { parseArgs } from 'node:util';
import { startServer } from '../src/cli/serve.ts';
import { Workspace } from '../src/workspace.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    'cache-mb': { type: 'string' },
    'max-concurrent': { type: 'string' },
  },
});
const s = await startServer(new Workspace(values.workspace ?? 'tmp/bench-serve/demo'), {
  host: '127.0.0.1',
  port: 0,
  cacheMb: values['cache-mb'] === undefined ? undefined : Number(values['cache-mb']),
  limits: values['max-concurrent'] ? { maxConcurrent: Number(values['max-concurrent']) } : undefined,
});
process.once('SIGTERM', () => void s.close().then(() => process.exit(0)));
process.stdout.write(`EpiTrace is serving ${s.url}\n`);
