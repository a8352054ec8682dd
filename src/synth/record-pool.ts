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

/** One worker and what it has said so far. */
interface Slot {
  worker: Worker;
  /** Resolves when the thread has ended, however it ended. */
  exited: Promise<number>;
  error?: Error;
  result?: RecordsResult;
  /** People done, from its progress messages. */
  people: number;
  /** A slice (or the stop message) was posted to it. */
  posted: boolean;
}

/**
 * Worker threads for the records pass, started before the people pass so their
 * start-up (a tsx loader and DuckDB each) overlaps the main thread's work.
 * With one thread nothing is started and the slice runs in this thread.
 * Workers are never terminated: Worker.terminate() while DuckDB works in the
 * thread aborts the whole process (seen: "terminate called after throwing an
 * instance of 'Napi::Error'"), so an unused worker is sent a stop message and
 * a failure is reported only once every worker has ended.
 */
export class RecordPool {
  private readonly slots: Slot[] = [];
  private onProgress: (people: number) => void = () => {};

  constructor(readonly threads: number) {
    if (threads < 2) return;
    const entry = new URL('./records-worker.ts', import.meta.url).href;
    for (let w = 0; w < threads; w++) {
      const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { argv: [entry] });
      const slot: Slot = {
        worker,
        exited: new Promise((resolve) => worker.once('exit', resolve)),
        people: 0,
        posted: false,
      };
      worker.on('error', (e) => (slot.error ??= e));
      worker.on('message', (m: { people?: number; result?: RecordsResult }) => {
        if (m.result) slot.result = m.result;
        else if (m.people !== undefined) {
          slot.people = m.people;
          this.onProgress(this.slots.reduce((a, x) => a + x.people, 0));
        }
      });
      this.slots.push(slot);
    }
  }

  /** Runs one slice per thread side by side; `progress` gets the people done over all slices. */
  async run(jobs: RecordsJob[], progress: (people: number) => void): Promise<RecordsResult[]> {
    if (this.slots.length === 0) return Promise.all(jobs.map((job) => writeRecords(job, progress)));
    if (jobs.length !== this.slots.length) throw new Error('one records slice per worker');
    this.onProgress = progress;
    jobs.forEach((job, w) => {
      this.slots[w]!.posted = true;
      this.slots[w]!.worker.postMessage(job);
    });
    const codes = await Promise.all(this.slots.map((s) => s.exited));
    return this.slots.map((s, w) => {
      if (s.error) throw s.error;
      if (!s.result) throw new Error(`records worker ${w} exited with code ${codes[w]}`);
      return s.result;
    });
  }

  /** Stops the workers that never got a slice (after a failure elsewhere) and waits for all to end. */
  async close(): Promise<void> {
    for (const s of this.slots) {
      if (s.posted) continue;
      s.posted = true;
      s.worker.postMessage(null);
    }
    await Promise.all(this.slots.map((s) => s.exited));
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
