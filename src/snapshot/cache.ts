import { LRUCache } from 'lru-cache';

interface Stored {
  value: unknown;
  bytes: number;
}

/** Counts since the cache was made (the bench and the tests read them). */
export interface CacheStats {
  hits: number;
  /** Requests that found nothing stored (those that joined a computation under way included). */
  misses: number;
  /** Computations started: concurrent identical misses share one. */
  computations: number;
}

/**
 * Answers of one snapshot, bounded by the size of their JSON, least recently used dropped first. A snapshot
 * never changes, so nothing goes stale: the cache is dropped with its snapshot. Concurrent identical misses
 * share one computation (single-flight); a failed computation is not kept.
 */
export class ResponseCache {
  private readonly lru: LRUCache<string, Stored> | null;
  private readonly flying = new Map<string, Promise<unknown>>();
  readonly stats: CacheStats = { hits: 0, misses: 0, computations: 0 };

  /** `mb` = 0 turns caching (and sharing) off: every call computes. */
  constructor(mb: number) {
    this.lru =
      mb > 0
        ? new LRUCache<string, Stored>({
            maxSize: Math.floor(mb * 1024 * 1024),
            sizeCalculation: (s) => Math.max(1, s.bytes),
          })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  /** The stored answer under `key`, else `compute()`'s (stored when it succeeds). Callers must not mutate it. */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (!this.lru) {
      this.stats.computations++;
      return compute();
    }
    const hit = this.lru.get(key);
    if (hit) {
      this.stats.hits++;
      return hit.value as T;
    }
    this.stats.misses++;
    const flying = this.flying.get(key);
    if (flying) return flying as Promise<T>;
    this.stats.computations++;
    const lru = this.lru;
    const p = compute().then(
      (value) => {
        this.flying.delete(key);
        lru.set(key, { value, bytes: Buffer.byteLength(JSON.stringify(value) ?? '') });
        return value;
      },
      (e: unknown) => {
        this.flying.delete(key);
        throw e;
      },
    );
    this.flying.set(key, p);
    return p;
  }

  /** Bytes of JSON held. */
  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  clear(): void {
    this.lru?.clear();
  }
}
