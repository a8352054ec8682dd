import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixture.ts';
import { openAppDb } from './sqlite.ts';

// The schema of app.sqlite files written before roles were enforced (main at 2c94ba1).
const V1 = `
CREATE TABLE accounts (username TEXT PRIMARY KEY, pw_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'epidemiologist', 'tracer', 'engineer')),
  regions TEXT NOT NULL DEFAULT '*', expires_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
  expires_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT, action TEXT NOT NULL,
  detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);`;

describe('openAppDb', () => {
  it('migrates an old file: epidemiologist and engineer become analyst, sessions and the old audit chain kept', () => {
    const path = join(tempDir('sqlite'), 'app.sqlite');
    const old = new Database(path);
    old.exec(V1);
    const ins = old.prepare('INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)');
    for (const [u, r] of [
      ['a', 'admin'],
      ['e', 'epidemiologist'],
      ['g', 'engineer'],
      ['t', 'tracer'],
    ])
      ins.run(u, 'hash', r, r === 'epidemiologist' ? '420100' : '*', '2999-01-01', '2020-01-01');
    old.prepare("INSERT INTO sessions VALUES ('tok', 'e', '2999-01-01', '2020-01-01')").run();
    old.prepare("INSERT INTO audit VALUES (1, '2020-01-01', 'e', 'login', '{}', 'p', 'h')").run();
    old.close();

    const db = openAppDb(path);
    expect(
      db.prepare('SELECT username, role, regions, disabled FROM accounts ORDER BY username').all(),
    ).toEqual([
      { username: 'a', role: 'admin', regions: '*', disabled: 0 },
      { username: 'e', role: 'analyst', regions: '420100', disabled: 0 },
      { username: 'g', role: 'analyst', regions: '*', disabled: 0 },
      { username: 't', role: 'tracer', regions: '*', disabled: 0 },
    ]);
    expect(db.prepare('SELECT username FROM sessions').all()).toEqual([{ username: 'e' }]);
    expect(db.prepare('SELECT count(*) AS n FROM audit_v1').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 0 });
    expect(() => db.prepare("UPDATE accounts SET role = 'engineer' WHERE username = 'a'").run()).toThrow(
      /CHECK/,
    );
    db.close();
    // Opening again changes nothing.
    const again = openAppDb(path);
    expect(again.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 4 });
    again.close();
  });
});
