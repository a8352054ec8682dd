/**
 * Worker-thread entry: started early by RecordPool (so module loading overlaps
 * the people and epidemic passes), it waits for one records slice (or null: stop),
 * runs it and posts progress and the result back.
 */
import { parentPort } from 'node:worker_threads';
import { writeRecords } from './records.ts';
import type { RecordsJob } from './records.ts';

const port = parentPort;
if (!port) throw new Error('records-worker.ts must run in a worker thread');
port.once('message', (job: RecordsJob | null) => {
  // null: the pool is closing without a slice for this worker.
  if (job === null) return port.close();
  writeRecords(job, (people) => port.postMessage({ people })).then(
    (result) => {
      port.postMessage({ result });
      port.close();
    },
    (e: unknown) => {
      throw e;
    },
  );
});
