import { spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { AuditLog, auditFiles, loadAuditKey } from './audit.ts';
import type { AuditEntry } from './audit.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
let ws: Workspace;
let db: Database;
let log: AuditLog;

function fill(n: number): void {
  for (let i = 0; i < n; i++) log.record(i % 3 ? 'analyst' : null, 'http', { route: '/api/me', i });
}

/** Rewrites the chain from `fromId` on, as an attacker with database access but no key would. */
function rehash(fromId: number, hashOf: (parts: unknown[]) => string): void {
  const rows = db.prepare('SELECT * FROM audit ORDER BY id').all() as AuditEntry[];
  let prev = rows.find((r) => r.id === fromId - 1)?.hash ?? '0'.repeat(64);
  const upd = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?');
  for (const r of rows.filter((x) => x.id >= fromId)) {
    const h = hashOf([prev, r.at, r.username, r.action, r.detail]);
    upd.run(prev, h, r.id);
    prev = h;
  }
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--workspace', ws.root, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EPITRACE_AUDIT_DIR: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function open(): void {
  db = openAppDb(ws.sqlitePath);
  const files = auditFiles(ws.root, join(ws.root, 'keys'));
  log = new AuditLog(db, loadAuditKey(files.keyPath), files.checkpointPath, () => new Date(), 100);
}

beforeEach(() => {
  ws = new Workspace(join(tempDir('audit'), 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC audit test' });
  open();
  fill(250);
  log.checkpoint();
});

describe('keyed audit chain with checkpoints', () => {
  it('verifies an intact log, from the CLI too; the key file is private', () => {
    expect(log.verify()).toBeNull();
    expect(statSync(join(ws.root, 'keys', 'audit.key')).mode & 0o777).toBe(0o600);
    // Checkpoints at 100, 200 and the explicit one at 250.
    expect(
      readFileSync(join(ws.root, 'keys', 'audit.checkpoints'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
    db.close();
    const r = cli();
    expect(r.code).toBe(0);
    expect(r.out).toBe('audit OK: 250 entries, chain and checkpoints agree\n');
  });

  it('names an edited row', () => {
    db.prepare('UPDATE audit SET username = ? WHERE id = 7').run('someone-else');
    expect(log.verify()).toEqual({ id: 7, reason: expect.stringMatching(/edited/) });
    db.close();
    const r = cli();
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^epitrace: audit FAILED at entry 7: hash does not match the key/);
  });

  it('names the first entry of a chain re-hashed without the key (plain SHA-256 or another key)', () => {
    db.prepare("UPDATE audit SET detail = '{}' WHERE id = 40").run();
    rehash(40, (p) => createHash('sha256').update(JSON.stringify(p)).digest('hex'));
    expect(log.verify()?.id).toBe(40);
    rehash(1, (p) => createHmac('sha256', 'guessed key').update(JSON.stringify(p)).digest('hex'));
    expect(log.verify()?.id).toBe(1);
  });

  it('detects a deleted tail and a deleted middle row', () => {
    db.prepare('DELETE FROM audit WHERE id > 240').run();
    expect(log.verify()).toEqual({
      id: 250,
      reason: expect.stringMatching(/240 entries, fewer than the 250.*tail was deleted/),
    });
    db.close();
    expect(cli().err).toMatch(/FAILED at entry 250/);
    open();
    db.prepare('DELETE FROM audit WHERE id = 100').run();
    expect(log.verify()?.id).toBe(101);
  });

  it('detects a deleted tail hidden by later entries (the count is back, the checkpointed entry is not)', () => {
    db.prepare('DELETE FROM audit WHERE id > 240').run();
    fill(15); // the server goes on logging; SQLite reuses ids 241..255
    expect(log.count()).toBe(255);
    expect(log.verify()).toEqual({
      id: 250,
      reason: expect.stringMatching(/differs from the last checkpoint/),
    });
  });

  it('counts each checkpoint from the previous one, entries of another process (a CLI) included', () => {
    const files = auditFiles(ws.root, join(ws.root, 'keys'));
    const other = new AuditLog(db, loadAuditKey(files.keyPath), files.checkpointPath, () => new Date(), 7);
    for (let i = 0; i < 60; i++) (i % 3 ? log : other).record('cli', 'interleaved', { i });
    log.checkpoint();
    other.checkpoint();
    log.record('x', 'after');
    log.checkpoint();
    const lines = readFileSync(files.checkpointPath, 'utf8').trim().split('\n');
    for (const line of lines) {
      const [n, id] = line.split(' ').map(Number);
      const real = (db.prepare('SELECT count(*) AS n FROM audit WHERE id <= ?').get(id) as { n: number }).n;
      expect(n, line).toBe(real);
    }
    expect(lines.length).toBeGreaterThan(5);
    expect(log.verify()).toBeNull();
  });

  it('fails for any other key', () => {
    const cp = join(ws.root, 'keys', 'audit.checkpoints');
    const other = Buffer.alloc(32, 7);
    expect(new AuditLog(db, other, cp).verify()).toEqual({
      id: null,
      reason: 'checkpoint line 1 does not match the key',
    });
    expect(new AuditLog(db, other, join(ws.root, 'none')).verify()?.id).toBe(1);
  });

  it('detects a replaced last entry and a forged checkpoint line', () => {
    const cp = join(ws.root, 'keys', 'audit.checkpoints');
    db.prepare('DELETE FROM audit WHERE id = 250').run();
    const last = db.prepare('SELECT * FROM audit WHERE id = 249').get() as AuditEntry;
    // Padding the count back with a row copied from elsewhere does not fool the last-hash check.
    db.prepare(
      'INSERT INTO audit (id, at, username, action, detail, prev_hash, hash) VALUES (251, ?, ?, ?, ?, ?, ?)',
    ).run(last.at, last.username, last.action, last.detail, last.hash, last.hash);
    expect(log.verify()?.id).toBe(251);
    const lines = readFileSync(cp, 'utf8').trim().split('\n');
    writeFileSync(cp, `${lines.slice(0, 2).join('\n')}\n${lines[2]!.replace(/^250 /, '240 ')}\n`);
    expect(log.verify()).toEqual({ id: null, reason: 'checkpoint line 3 does not match the key' });
  });

  it('refuses to verify without the key file', () => {
    db.close();
    const r = cli('--audit-dir', join(ws.root, 'elsewhere'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/audit key .*elsewhere\/audit.key not found/);
  });
});
