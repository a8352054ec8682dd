import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { BUSY_EXIT, backupWorkspace } from './backup.ts';
import { restoreBackup } from './restore.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'epitrace.mjs');

/** Another process holding analytics.duckdb writable (as a pipeline job does), for `ms` or until killed. */
async function holdWriter(ws: Workspace, ms: number): Promise<ChildProcess> {
  const script = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const db = await DuckDBInstance.create(${JSON.stringify(ws.duckPath)});
    const c = await db.connect();
    await c.run('CREATE TABLE IF NOT EXISTS held (x INTEGER)');
    process.stdout.write('held\\n');
    setTimeout(() => { c.closeSync(); db.closeSync(); process.exit(0); }, ${ms});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

function workspace(): { ws: Workspace; out: string } {
  const dir = tempDir('backup-wait');
  const ws = new Workspace(join(dir, 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC backup wait test' });
  openAppDb(ws.sqlitePath).close();
  return { ws, out: join(dir, 'out', 'b.tar.gz') };
}

let holder: ChildProcess | null = null;
afterEach(() => {
  holder?.kill('SIGKILL');
  holder = null;
});

describe('backup while a job holds the workspace', () => {
  it('fails with one line and exit code 4 once --wait has passed, leaving no archive', async () => {
    const { ws, out } = workspace();
    holder = await holdWriter(ws, 60_000);
    const lines: string[] = [];
    const e = await backupWorkspace(ws, out, {
      waitSeconds: 1,
      retryMs: 100,
      log: (l) => lines.push(l),
    }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    const u = e as UserError;
    expect(u.exitCode).toBe(BUSY_EXIT);
    expect(u.message).toMatch(
      new RegExp(`in use by another process \\(PID ${holder.pid}\\), still after 1 s: backup not taken`),
    );
    expect(lines).toEqual([
      `backup: waiting for the workspace: process ${holder.pid} holds it (an ingest or a pipeline job?); 0 of 1 s`,
    ]);
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });

  it('waits for the job to finish, then backs up what it wrote', async () => {
    const { ws, out } = workspace();
    holder = await holdWriter(ws, 1500);
    const lines: string[] = [];
    const r = await backupWorkspace(ws, out, { waitSeconds: 30, retryMs: 100, log: (l) => lines.push(l) });
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(r.seconds).toBeGreaterThan(0.5);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.tmp`)).toBe(false);
    // What the job wrote is in the backup.
    const restored = new Workspace(join(out, '..', 'restored'));
    await restoreBackup(out, restored.root);
    const db = await restored.openDuck({ readOnly: true });
    expect(await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM held`)).toEqual({ n: 0 });
    db.close();
  });

  it('holds the lock until the files are frozen, then releases it: a job writing meanwhile is not in the backup', async () => {
    const { ws, out } = workspace();
    const before = await ws.openDuck();
    await before.run('CREATE TABLE before_backup AS SELECT 1 AS x');
    before.close();
    // A pipeline job in another process: 0 when it could write, 1 when the workspace was locked.
    const job = (): number | null =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { DuckDBInstance } from '@duckdb/node-api';
           const db = await DuckDBInstance.create(${JSON.stringify(ws.duckPath)});
           const c = await db.connect();
           await c.run('CREATE TABLE after_backup AS SELECT 2 AS x');
           await c.run('CHECKPOINT');
           c.closeSync(); db.closeSync();`,
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
      ).status;
    let whileFreezing: number | null = null;
    let afterFreezing: number | null = null;
    const r = await backupWorkspace(ws, out, {
      // Still locked, although analytics.duckdb has just been read (a POSIX lock dies with any descriptor closed).
      frozen: () => void (whileFreezing = job()),
      // Before a byte of analytics.duckdb is hashed or archived: the archive must not see the job's write.
      onProgress: (phase) => void (phase === 'hash' && afterFreezing === null && (afterFreezing = job())),
    });
    expect(whileFreezing).toBe(1);
    expect(afterFreezing).toBe(0);
    expect(r.lockedSeconds).toBeLessThan(r.seconds);
    const restored = new Workspace(join(out, '..', 'restored'));
    await restoreBackup(out, restored.root);
    const db = await restored.openDuck({ readOnly: true });
    const tables = await db.all<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables ORDER BY 1`,
    );
    db.close();
    expect(tables.map((t) => t.t)).toEqual(['before_backup']);
  });

  it('an interrupted backup leaves no archive: SIGTERM removes the temp file, SIGKILL leaves only the temp file', async () => {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const { ws, out } = workspace();
      const part = join(ws.rawDir, 'date=2020-01-16');
      mkdirSync(part, { recursive: true });
      // Incompressible and over the 64 MB progress threshold, so the kill lands while the archive is written.
      writeFileSync(join(part, 'part-0123456789abcdef.parquet'), randomBytes(96 * 1024 * 1024));
      const child = spawn(process.execPath, [BIN, 'backup', '-w', ws.root, '--out', out], { cwd: ROOT });
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => d.toString().includes('backup: writing') && resolve());
      });
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(existsSync(out), signal).toBe(false);
      if (signal === 'SIGTERM') {
        expect(code).toBe(143);
        expect(readdirSync(join(out, '..'))).toEqual([]);
      } else {
        expect(readdirSync(join(out, '..'))).toEqual(['b.tar.gz.tmp']);
        // The next backup replaces the temp file and removes the killed one's staging folder.
        expect(readdirSync(ws.tmpDir).filter((n) => n.startsWith('backup-'))).toHaveLength(1);
        await backupWorkspace(ws, out);
        expect(readdirSync(join(out, '..'))).toEqual(['b.tar.gz']);
        expect(readdirSync(ws.tmpDir)).toEqual([]);
      }
    }
  });

  it('an interrupted restore leaves no workspace: SIGTERM removes its temp folder', async () => {
    const { ws, out } = workspace();
    const part = join(ws.rawDir, 'date=2020-01-16');
    mkdirSync(part, { recursive: true });
    writeFileSync(join(part, 'part-0123456789abcdef.parquet'), randomBytes(96 * 1024 * 1024));
    const archive = (await backupWorkspace(ws, out.replace(/\.tar\.gz$/, '.tar'))).file;
    const parent = join(out, '..', 'restore-here');
    mkdirSync(parent);
    const child = spawn(process.execPath, [BIN, 'restore', archive, '-w', join(parent, 'ws')], { cwd: ROOT });
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => d.toString().includes('restore: ') && resolve());
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(143);
    expect(readdirSync(parent)).toEqual([]);
  });
});
