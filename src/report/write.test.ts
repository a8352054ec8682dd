import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixture.ts';
import { writeFileAtomic } from './write.ts';

describe('writeFileAtomic', () => {
  it('replaces the file whole, leaving no temporary file', () => {
    const dir = tempDir('atomic-ok');
    const path = join(dir, 'r.html');
    writeFileSync(path, 'old report');
    writeFileAtomic(path, 'new report');
    expect(readFileSync(path, 'utf8')).toBe('new report');
    expect(readdirSync(dir)).toEqual(['r.html']);
  });

  it('when the rename fails, the old file is unchanged and no temporary file is left', () => {
    const dir = tempDir('atomic-fail');
    const path = join(dir, 'r.pdf');
    writeFileSync(path, 'old report');
    const fail = () => {
      throw new Error('ENOSPC: rename failed');
    };
    expect(() => writeFileAtomic(path, 'half a new report', fail)).toThrow('ENOSPC: rename failed');
    expect(readFileSync(path, 'utf8')).toBe('old report');
    expect(readdirSync(dir)).toEqual(['r.pdf']);
  });
});
