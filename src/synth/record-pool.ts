import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { writeRecords } from './records.ts';
import type { RecordsJob, RecordsResult } from './records.ts';

/** Most record threads worth starting: the records pass is one of several, and the box shares its cores. */
const MAX_THREADS = 4;

/**
 * Below this many people one thread is faster: a worker's start-up (tsx loader, DuckDB) costs about half a
 * CPU-second, the records of 10 000 people about one (node --cpu-prof of a 50 000-person week, 12.5 M records).
 */
const SMALL_SCENARIO = 10_000;

/** Record threads when the caller does not say: one per core, 1 to MAX_THREADS; one for a small scenario. */
export function defaultThreads(people: number): number {
  if (people < SMALL_SCENARIO) return 1;
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

/**
 * Worker threads for the records pass, started before the people pass so their
 * start-up (a tsx loader and DuckDB each) overlaps the main thread's work.
 * With one thread nothing is started and the slice runs in this thread.
 */
export class RecordPool {
  private readonly workers: Worker[] = [];
  /** Why each worker stopped before its slice was posted, if it did. */
  private readonly early: (Error | undefined)[] = [];

  constructor(readonly threads: number) {
    if (threads < 2) return;
    const entry = new URL('./records-worker.ts', import.meta.url).href;
    for (let w = 0; w < threads; w++) {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { argv: [entry] });
      // A failure before run() is reported by run(); until then it must not crash the process.
      worker.on('error', (e) => (this.early[w] ??= e));
      worker.on(
        'exit',
        (code) => (this.early[w] ??= new Error(`records worker ${w} exited with code ${code}`)),
      );
      this.workers.push(worker);
    }
  }

  /** Runs one slice per thread side by side; `progress` gets the people done over all slices. */
  async run(jobs: RecordsJob[], progress: (people: number) => void): Promise<RecordsResult[]> {
    if (this.workers.length === 0) return Promise.all(jobs.map((job) => writeRecords(job, progress)));
    if (jobs.length !== this.workers.length) throw new Error('one records slice per worker');
    const done = jobs.map(() => 0);
    return Promise.all(
      jobs.map(
        (job, w) =>
          new Promise<RecordsResult>((resolve, reject) => {
            const worker = this.workers[w]!;
            worker.removeAllListeners();
            const early = this.early[w];
            if (early) return reject(early);
            let result: RecordsResult | undefined;
            worker.on('message', (m: { people?: number; result?: RecordsResult }) => {
              if (m.result) result = m.result;
              else if (m.people !== undefined) {
                done[w] = m.people;
                progress(done.reduce((a, b) => a + b, 0));
              }
            });
            worker.on('error', reject);
            worker.on('exit', (code) =>
              result ? resolve(result) : reject(new Error(`records worker ${w} exited with code ${code}`)),
            );
            worker.postMessage(job);
          }),
      ),
    );
  }

  /** Stops any worker still running (after a failure elsewhere). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Everything but the people that each records slice needs. */
export interface SliceCommon {
  params: RecordsJob['params'];
  t0: number;
  format: RecordsJob['format'];
  outDir: string;
  threads: number;
}

/**
 * Cuts the people into `threads` contiguous slices with about the same number
 * of subscriber presences each (records follow presences), copying each slice's
 * presences into typed arrays so a worker gets only its own.
 */
export function recordJobs(
  first: readonly number[],
  all: { cell: Int32Array; start: Int32Array; end: Int32Array; transit: Int32Array },
  subscriber: readonly boolean[],
  neighbour: Int32Array,
  c: SliceCommon,
): RecordsJob[] {
  const n = first.length - 1;
  let total = 0;
  for (let q = 0; q < n; q++) if (subscriber[q]) total += first[q + 1]! - first[q]!;
  const threads = Math.max(1, c.threads);
  const cuts = [0];
  let acc = 0;
  for (let q = 0; q < n && cuts.length < threads; q++) {
    if (subscriber[q]) acc += first[q + 1]! - first[q]!;
    if (acc >= (total * cuts.length) / threads) cuts.push(q + 1);
  }
  while (cuts.length < threads) cuts.push(n);
  cuts.push(n);
  const jobs: RecordsJob[] = [];
  for (let w = 0; w < threads; w++) {
    const [q0, q1] = [cuts[w]!, cuts[w + 1]!];
    const [k0, k1] = [first[q0]!, first[q1]!];
    jobs.push({
      slice: w,
      q0,
      first: Int32Array.from({ length: q1 - q0 + 1 }, (_, i) => first[q0 + i]! - k0),
      cell: all.cell.slice(k0, k1),
      start: all.start.slice(k0, k1),
      end: all.end.slice(k0, k1),
      transit: Uint8Array.from(all.transit.subarray(k0, k1)),
      subscriber: Uint8Array.from(subscriber.slice(q0, q1), (s) => (s ? 1 : 0)),
      neighbour,
      params: c.params,
      t0: c.t0,
      format: c.format,
      outDir: c.outDir,
    });
  }
  return jobs;
}
