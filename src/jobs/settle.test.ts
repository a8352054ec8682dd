import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixture.ts';
import { ignoredName, landingFiles, Settler } from './settle.ts';

describe('landing files', () => {
  it('ignores dotfiles, *.tmp, *.part and sub-folders', () => {
    const dir = tempDir('settle');
    for (const f of ['a.csv', '.b.csv', 'c.csv.tmp', 'd.parquet.part', 'e.ndjson'])
      writeFileSync(join(dir, f), 'x');
    mkdirSync(join(dir, 'done'));
    expect(landingFiles(dir).map((f) => f.name)).toEqual(['a.csv', 'e.ndjson']);
    expect(['.x', 'y.TMP', 'z.part', 'ok.csv.gz'].map(ignoredName)).toEqual([true, true, true, false]);
    expect(landingFiles(join(dir, 'missing'))).toEqual([]);
  });
});

describe('Settler', () => {
  const file = (size: number, mtimeMs = 1000) => ({ name: 'a.csv', size, mtimeMs });

  it('is ready once size and mtime stayed the same for the settle time, and starts over when they change', () => {
    let t = 10_000;
    const s = new Settler(10_000, () => t);
    expect(s.observe([file(5)])).toEqual([]);
    t += 9_999;
    expect(s.observe([file(5)])).toEqual([]);
    t += 1;
    expect(s.observe([file(5)])).toEqual(['a.csv']);
    // Growing again (still being written): the wait starts over.
    t += 1;
    expect(s.observe([file(6)])).toEqual([]);
    t += 5_000;
    expect(s.observe([file(6, 2000)])).toEqual([]);
    t += 9_999;
    expect(s.observe([file(6, 2000)])).toEqual([]);
    t += 1;
    expect(s.observe([file(6, 2000)])).toEqual(['a.csv']);
  });

  it('forgets a vanished file, and in one-pass mode trusts an mtime older than the settle time', () => {
    let t = 100_000;
    const s = new Settler(10_000, () => t);
    s.observe([file(5)]);
    t += 10_000;
    s.observe([]);
    expect(s.observe([file(5)])).toEqual([]);
    const once = new Settler(10_000, () => t, true);
    expect(once.observe([file(5, t - 10_000)])).toEqual(['a.csv']);
    expect(once.observe([{ name: 'b.csv', size: 5, mtimeMs: t - 9_000 }])).toEqual([]);
  });
});
