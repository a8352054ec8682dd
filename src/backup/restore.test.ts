import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { create as tarCreate } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { Accounts } from '../server/accounts.ts';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { publish } from '../snapshot/publish.ts';
import { openArchive } from './archive.ts';
import { backupWorkspace } from './backup.ts';
import { MANIFEST_ENTRY } from './manifest.ts';
import type { BackupManifest } from './manifest.ts';
import { REFUSED_EXIT, restoreBackup } from './restore.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

let dir: string;
let ws: Workspace;
let tarFile: string;
let gzFile: string;

/** A small workspace with something in each kind of place a workspace keeps files. */
function smallWorkspace(root: string): Workspace {
  const w = new Workspace(root);
  w.create({ synthetic: true, description: 'SYNTHETIC backup test' });
  const part = join(w.rawDir, 'date=2020-01-16');
  mkdirSync(part, { recursive: true });
  // Incompressible bytes, so a truncated gzip really lacks files rather than only the trailer.
  const block = Buffer.alloc(200_000);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(part, 'part-0123456789abcdef.parquet'), block);
  writeFileSync(join(w.quarantineDir, 'q.csv'), 'raw_id,ts,cell_id,reason\nx,bad,1,time\n');
  mkdirSync(join(w.root, 'keys'));
  writeFileSync(join(w.root, 'keys', 'audit.key'), 'a'.repeat(64) + '\n', { mode: 0o600 });
  writeFileSync(join(w.root, 'demo-admin-password'), 'synthetic-password\n', { mode: 0o600 });
  openAppDb(w.sqlitePath).close();
  return w;
}

function entries(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).sort();
}

/** Restores and returns the refusal (message and exit code); the target must not appear. */
async function refusal(archive: string): Promise<{ message: string; exitCode: number }> {
  const parent = tempDir('restore-refused');
  const target = join(parent, 'ws');
  const e = await restoreBackup(archive, target).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  // Nothing left behind: no target, no temp folder beside it.
  expect(readdirSync(parent)).toEqual([]);
  const u = e as UserError;
  expect(u.message.split('\n')).toHaveLength(1);
  return { message: u.message, exitCode: u.exitCode };
}

function manifestOf(file: string): BackupManifest {
  const raw = file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file);
  // The first entry's data starts after its 512-byte header; its size is in the header (octal at 124).
  const size = parseInt(raw.subarray(124, 136).toString('ascii').replace(/\0/g, '').trim(), 8);
  return JSON.parse(raw.subarray(512, 512 + size).toString('utf8')) as BackupManifest;
}

/** Writes a hand-made archive: this manifest, then these entries (path, bytes). */
async function craft(file: string, manifest: unknown, files: [string, Buffer][]): Promise<string> {
  const a = openArchive(file, false, new Date('2020-01-01T00:00:00Z'));
  await a.addBuffer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest)));
  for (const [p, data] of files) await a.addBuffer(p, data);
  await a.finish();
  return file;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = tempDir('backup-archive');
  ws = smallWorkspace(join(dir, 'ws'));
  tarFile = (await backupWorkspace(ws, join(dir, 'b.tar'))).file;
  gzFile = (await backupWorkspace(ws, join(dir, 'b.tar.gz'))).file;
});

describe('backup archive', () => {
  it('holds manifest.json first and every workspace file, never tmp/, old snapshots or the landing folder', async () => {
    const w = smallWorkspace(join(dir, 'ws-full'));
    writeFileSync(join(w.tmpDir, 'scratch.bin'), 'spill');
    // A points/ folder kept on another disk (a link), a link looping back, a dangling one: content once, no loop.
    const elsewhere = join(dir, 'points-elsewhere', 'date=2020-01-16');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'part-0123456789abcdef.parquet'), 'points');
    symlinkSync(join(dir, 'points-elsewhere'), join(w.root, 'points'));
    symlinkSync('..', join(w.rawDir, 'loop'));
    symlinkSync(join(dir, 'nowhere'), join(w.rawDir, 'dangling'));
    mkdirSync(join(w.root, 'landing', '.processing', '1'), { recursive: true });
    writeFileSync(join(w.root, 'landing', 'day.csv'), 'in transit');
    mkdirSync(join(w.root, 'synth'));
    writeFileSync(join(w.root, 'synth', 'scenario.json'), '{}');
    const db = await w.openDuck();
    try {
      await publish(w, db);
      await publish(w, db);
    } finally {
      db.close();
    }
    writeFileSync(join(w.snapshotsDir, '000003.duckdb.tmp'), 'a killed publisher');
    const r = await backupWorkspace(w, join(dir, 'c.tar'));
    const m = manifestOf(r.file);
    expect(m.format).toBe('epitrace-backup');
    expect(m.source).toBe(w.root);
    expect(m.snapshotId).toBe(2);
    expect(m.files.map((f) => f.path)).toEqual([
      'analytics.duckdb',
      'app.sqlite',
      'demo-admin-password',
      'keys/audit.key',
      'points/date=2020-01-16/part-0123456789abcdef.parquet',
      'quarantine/q.csv',
      'raw/date=2020-01-16/part-0123456789abcdef.parquet',
      'snapshots/000002.duckdb',
      'snapshots/current.json',
      'synth/scenario.json',
      'workspace.json',
    ]);
    const raw = readFileSync(join(w.rawDir, 'date=2020-01-16', 'part-0123456789abcdef.parquet'));
    expect(m.files.find((f) => f.path.startsWith('raw/'))).toEqual({
      path: 'raw/date=2020-01-16/part-0123456789abcdef.parquet',
      size: raw.length,
      sha256: sha(raw),
    });
  });

  it('restores byte for byte, owner-only, with the workspace folders', async () => {
    for (const f of [tarFile, gzFile]) {
      const target = join(tempDir('restore-ok'), 'ws');
      const r = await restoreBackup(f, target);
      expect(r.files).toBe(manifestOf(f).files.length);
      // app.sqlite and the checkpoints have moved on since (each backup is audited); restore checked their SHA-256.
      const settled = manifestOf(f).files.map((x) => x.path);
      for (const p of settled.filter((p) => p !== 'app.sqlite' && p !== 'keys/audit.checkpoints'))
        expect(sha(readFileSync(join(target, p))), p).toBe(sha(readFileSync(join(ws.root, p))));
      expect(entries(target)).toEqual(expect.arrayContaining(['tmp', 'raw', 'quarantine', 'keys']));
      // Owner-only, although the workspace's raw/ and workspace.json were readable by all.
      for (const p of settled) expect(statSync(join(target, p)).mode & 0o077, p).toBe(0);
      expect(new Workspace(target).info().description).toBe('SYNTHETIC backup test');
    }
  });

  it('copies app.sqlite with what a live server has committed but not yet checkpointed (its WAL)', async () => {
    const w = smallWorkspace(join(dir, 'ws-live'));
    // A server's connection: open through the backup, its WAL never checkpointed meanwhile.
    const live = openAppDb(w.sqlitePath);
    try {
      live.pragma('wal_autocheckpoint = 0');
      await new Accounts(live).upsert('late-analyst', 'late-analyst-password', 'analyst');
      const r = await backupWorkspace(w, join(dir, 'live.tar'));
      const target = join(tempDir('restore-live'), 'ws');
      await restoreBackup(r.file, target);
      const copy = openAppDb(join(target, 'app.sqlite'));
      try {
        expect(new Accounts(copy).list().map((a) => a.username)).toContain('late-analyst');
      } finally {
        copy.close();
      }
    } finally {
      live.close();
    }
  });

  it('refuses an --out it cannot write with one line', async () => {
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    await expect(backupWorkspace(ws, join(dir, 'a-file', 'b.tar'))).rejects.toThrow(
      new UserError(`backup not taken: cannot write ${join(dir, 'a-file')} (EEXIST)`),
    );
  });

  it('refuses a --out inside the workspace', async () => {
    await expect(backupWorkspace(ws, join(ws.root, 'self.tar'))).rejects.toThrow(/is inside the workspace/);
    expect(existsSync(join(ws.root, 'self.tar'))).toBe(false);
  });
});

describe('restore refuses', () => {
  it('a truncated archive (plain and gzip), leaving nothing behind', async () => {
    for (const f of [tarFile, gzFile]) {
      const bytes = readFileSync(f);
      // Cut inside the manifest, inside a file's bytes, and near the end.
      for (const keep of [0.001, 0.1, 0.5, 0.99]) {
        const cut = join(dir, `cut-${keep}-${f.endsWith('.gz') ? 'gz' : 'tar'}`);
        writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
        const r = await refusal(cut);
        expect(r.exitCode).toBe(REFUSED_EXIT);
        expect(r.message).toMatch(/refused: .*truncated.*; nothing was restored$/);
      }
    }
  });

  it('a flipped byte in a file (plain tar: the SHA-256; gzip: the CRC)', async () => {
    const plain = Buffer.from(readFileSync(tarFile));
    const raw = readFileSync(join(ws.rawDir, 'date=2020-01-16', 'part-0123456789abcdef.parquet'));
    const at = plain.indexOf(raw.subarray(1000, 1064)) + 10;
    expect(at).toBeGreaterThan(1000);
    plain[at] = plain[at]! ^ 0x01;
    writeFileSync(join(dir, 'flip.tar'), plain);
    expect((await refusal(join(dir, 'flip.tar'))).message).toMatch(
      /entry raw\/date=2020-01-16\/part-0123456789abcdef\.parquet does not match its SHA-256/,
    );
    const gz = Buffer.from(readFileSync(gzFile));
    const mid = Math.floor(gz.length / 2);
    gz[mid] = gz[mid]! ^ 0x01;
    writeFileSync(join(dir, 'flip.tar.gz'), gz);
    expect((await refusal(join(dir, 'flip.tar.gz'))).exitCode).toBe(REFUSED_EXIT);
  });

  it('a file the manifest does not list, and a listed file that is missing', async () => {
    const m = manifestOf(tarFile);
    const listed = m.files.map((f) => [f.path, readFileSync(join(ws.root, f.path))] as [string, Buffer]);
    const planted: [string, Buffer] = [
      'raw/date=2020-01-17/part-ffffffffffffffff.parquet',
      Buffer.from('planted'),
    ];
    // app.sqlite as it is on disk now, listed as such (the archive's copy came through SQLite's backup).
    m.files = listed.map(([path, data]) => ({ path, ...hashOf(data) }));
    const ok = await craft(join(dir, 'listed.tar'), m, listed);
    await restoreBackup(ok, join(tempDir('restore-crafted'), 'ws'));
    const extra = await craft(join(dir, 'extra.tar'), m, [...listed, planted]);
    expect((await refusal(extra)).message).toMatch(
      /entry raw\/date=2020-01-17\/part-ffffffffffffffff\.parquet is not listed in the manifest/,
    );
    const missing = await craft(join(dir, 'missing.tar'), m, []);
    expect((await refusal(missing)).message).toMatch(/missing 7 file\(s\) the manifest lists/);
  });

  it('a ../ entry, even one the manifest lists, and a symlink', async () => {
    const evil = Buffer.from('outside');
    const m = { ...manifestOf(tarFile), files: [{ path: '../escape.txt', ...hashOf(evil) }] };
    const parent = tempDir('restore-escape');
    const file = await craft(join(parent, 'a.tar'), m, [['../escape.txt', evil]]);
    await expect(restoreBackup(file, join(parent, 'ws'))).rejects.toThrow(/refused/);
    expect(readdirSync(parent)).toEqual(['a.tar']);
    // Listed nowhere: the entry path itself is refused.
    const m2 = { ...manifestOf(tarFile), files: [] };
    const file2 = await craft(join(parent, 'b.tar'), m2, [['raw/../../escape.txt', evil]]);
    expect((await refusal(file2)).message).toMatch(/entry "raw\/\.\.\/\.\.\/escape\.txt" leaves the folder/);
    expect(readdirSync(parent).sort()).toEqual(['a.tar', 'b.tar']);

    const src = tempDir('restore-link');
    writeFileSync(join(src, MANIFEST_ENTRY), JSON.stringify({ ...m2 }));
    symlinkSync('/etc/passwd', join(src, 'workspace.json'));
    await tarCreate({ file: join(src, 'link.tar'), cwd: src }, [MANIFEST_ENTRY, 'workspace.json']);
    expect((await refusal(join(src, 'link.tar'))).message).toMatch(
      /entry "workspace.json" is a SymbolicLink, not a regular file/,
    );
  });

  it('an archive whose first entry is not the manifest, and a file that is no archive', async () => {
    const notFirst = await craft(join(dir, 'order.tar'), { not: 'a manifest' }, []);
    expect((await refusal(notFirst)).message).toMatch(/manifest.json is not an EpiTrace backup manifest/);
    writeFileSync(join(dir, 'junk.tar'), 'this is not a tar file at all, just text\n'.repeat(40));
    expect((await refusal(join(dir, 'junk.tar'))).exitCode).toBe(REFUSED_EXIT);
  });

  it('a non-empty target, from the command line: one line, exit code 2, the folder untouched', () => {
    const target = join(tempDir('restore-busy'), 'ws');
    mkdirSync(target);
    writeFileSync(join(target, 'thesis.txt'), 'precious');
    const r = spawnSync(process.execPath, [BIN, 'restore', tarFile, '--workspace', target], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `epitrace: ${target} is not empty: restore only into a new or empty folder (nothing was changed)`,
    ]);
    expect(readdirSync(target)).toEqual(['thesis.txt']);
    expect(readFileSync(join(target, 'thesis.txt'), 'utf8')).toBe('precious');
  });

  it('a corrupt archive from the command line: one line, exit code 3, nothing created', () => {
    const parent = tempDir('restore-cli');
    const cut = join(parent, 'cut.tar.gz');
    const bytes = readFileSync(gzFile);
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    const r = spawnSync(process.execPath, [BIN, 'restore', cut, '-w', join(parent, 'ws')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(REFUSED_EXIT);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^epitrace: backup .*cut\.tar\.gz refused: /);
    expect(readdirSync(parent)).toEqual(['cut.tar.gz']);
  });
});

function hashOf(b: Buffer): { size: number; sha256: string } {
  return { size: b.length, sha256: sha(b) };
}
