// Builds the dashboard (web/dist) when it is missing or older than its sources, so
// `npm start` on a fresh clone needs nothing but `npm ci` before it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('../web/', import.meta.url).pathname;
const dist = join(root, 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(dist) || statSync(dist).mtimeMs < newest(root)) {
  process.stderr.write('building the dashboard (web/dist)...\n');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
