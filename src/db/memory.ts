import { UserError } from '../errors.ts';

/**
 * Share of a process's memory budget (EPITRACE_MEMORY_LIMIT, default 4GB) given to DuckDB's buffer
 * pool as its memory_limit. DuckDB allocates outside the pool too (per-thread buffers, the allocator's
 * retained pages): measured with memory_limit 4GB (3.73 GiB) on 79 M records, a bare
 * `ORDER BY user_id, ts` peaked at 4.04 GiB resident with 1 thread and 4.50 GiB with 2, and
 * `epitrace run` at 4.77 and 4.51 GiB (bench/pipeline.ts). So the budget bounds the process and the
 * pool gets 70% of it.
 */
export const DUCK_POOL_SHARE = 0.7;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a size written as DuckDB writes them ('4GB' = 4e9, '4GiB' = 4 * 2^30, '512MB'). */
export function parseSize(size: string, name = 'EPITRACE_MEMORY_LIMIT'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(size);
  const unit = UNITS[(m?.[2] ?? 'b').toLowerCase()];
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new UserError(`${name} must be a size such as 4GB, 512MB or 8GiB, not '${size}'`);
  }
  return Number(m[1]) * unit;
}

/** DuckDB's memory_limit for a process budget: DUCK_POOL_SHARE of it, in whole MB. */
export function duckMemoryLimit(budget: string): string {
  return `${Math.max(1, Math.floor((parseSize(budget) * DUCK_POOL_SHARE) / 1e6))}MB`;
}

/** The process budget: EPITRACE_MEMORY_LIMIT, or 4GB. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): string {
  return env['EPITRACE_MEMORY_LIMIT'] ?? '4GB';
}
