import { describe, expect, it } from 'vitest';
import { Duck } from './duck.ts';
import { duckMemoryLimit, parseSize } from './memory.ts';

describe('memory budget', () => {
  it('reads sizes as DuckDB does and gives its pool 70% of the budget', async () => {
    expect(parseSize('4GB')).toBe(4e9);
    expect(parseSize('8GiB')).toBe(8 * 2 ** 30);
    expect(parseSize('512 mb')).toBe(512e6);
    expect(duckMemoryLimit('4GB')).toBe('2800MB');
    for (const bad of ['', 'lots', '-1GB', '4XB', '0GB'])
      expect(() => parseSize(bad)).toThrow(/EPITRACE_MEMORY_LIMIT must be a size/);
    const db = await Duck.open({ path: ':memory:', memoryLimit: duckMemoryLimit('4GB') });
    try {
      const r = await db.one<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
      expect(r?.v).toBe('2.6 GiB'); // 2.8e9 bytes = 2.61 GiB
    } finally {
      db.close();
    }
  });
});
