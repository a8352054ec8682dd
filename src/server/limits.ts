import { HttpError } from '../errors.ts';

/** Request limits, so one user cannot starve the others. */
export interface Limits {
  /** Longest date range of one analytics query, in days (inclusive). */
  maxSpanDays: number;
  /** Analytics queries computed at once; more wait in the queue. */
  maxConcurrent: number;
  /** Queries allowed to wait; beyond that the answer is 503 with Retry-After. */
  maxQueue: number;
  /** Longest a query may wait for its turn before the answer is 503, in ms. */
  queueWaitMs: number;
  /** Longest a query may compute before the answer is 503, in ms (its slot stays taken until it ends). */
  budgetMs: number;
}

/**
 * Policy defaults, not external figures: 92 days is one quarter; 2 queries at once suit the 2-core reference
 * machine; 64 waiting holds one request of each of a command centre's 50 users (issue 14) with room to spare
 * (with 4, a burst of cache misses after a city change answered 5-8% of bench/serve.ts's requests 503).
 */
export const DEFAULT_LIMITS: Limits = {
  maxSpanDays: 92,
  maxConcurrent: 2,
  maxQueue: 64,
  queueWaitMs: 20_000,
  budgetMs: 30_000,
};

/** A 503 (or 429) that tells the client when to retry. */
export class RetryLater extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly retryAfterS: number,
  ) {
    super(status, message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Checks the from/to of an analytics query: at most `maxSpanDays`, and within
 * the workspace's data days when known. 400 naming the field otherwise.
 * Malformed dates are left to the route's own validation.
 */
export function checkDateRange(
  query: Record<string, unknown>,
  limits: Limits,
  dataDays: { from: string; to: string } | undefined,
): void {
  const { from, to } = query;
  if (typeof from !== 'string' || typeof to !== 'string' || !DATE.test(from) || !DATE.test(to)) return;
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (!Number.isFinite(span) || span < 1) return;
  if (dataDays?.from && from < dataDays.from)
    throw new HttpError(400, `from: ${from} is before the first data day ${dataDays.from}`, 'from');
  if (dataDays?.to && to > dataDays.to)
    throw new HttpError(400, `to: ${to} is after the last data day ${dataDays.to}`, 'to');
  if (span > limits.maxSpanDays)
    throw new HttpError(
      400,
      `to: ${span} days from ${from}, more than the ${limits.maxSpanDays} allowed`,
      'to',
    );
}

/** A counting semaphore with a bounded queue: `acquire` resolves with a release function, or throws a 503. */
export class Gate {
  private running = 0;
  private readonly queue: { start: () => void; timer: NodeJS.Timeout }[] = [];
  private idle: (() => void)[] = [];

  constructor(private readonly limits: Limits) {}

  /** Resolves once no work holds a slot: a query answered 503 past its budget may still be running. */
  async drained(): Promise<void> {
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Waits for a slot; 503 when the queue is full or the wait exceeds the budget. */
  async acquire(): Promise<() => void> {
    if (this.running < this.limits.maxConcurrent) return this.take();
    if (this.queue.length >= this.limits.maxQueue)
      throw new RetryLater(503, 'the server is busy with other queries: retry shortly', 5);
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => resolve(this.take()),
        timer: setTimeout(() => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new RetryLater(503, 'the query waited too long for its turn: retry shortly', 5));
        }, this.limits.queueWaitMs),
      };
      this.queue.push(entry);
    });
  }

  private take(): () => void {
    this.running++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.start();
      } else if (this.running === 0) {
        for (const resolve of this.idle.splice(0)) resolve();
      }
    };
  }
}

/**
 * Runs `work` in a gate slot within the time budget: 503 when it takes longer.
 * The slot is released only when the work really ends (DuckDB cannot stop one
 * query on the shared connection), so the concurrency limit stays true.
 */
export async function limited<T>(gate: Gate, budgetMs: number, work: () => Promise<T>): Promise<T> {
  const release = await gate.acquire();
  const running = work().finally(release);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RetryLater(
            503,
            `the query took longer than ${budgetMs / 1000} s: narrow it or retry later`,
            30,
          ),
        ),
      budgetMs,
    );
  });
  running.catch(() => undefined); // a failure after the 503 was sent has no one to go to
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}
