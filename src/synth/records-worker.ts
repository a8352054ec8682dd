/** Worker-thread entry: runs one records slice posted by runRecords() and posts progress and the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { writeRecords } from './records.ts';
import type { RecordsJob } from './records.ts';

const port = parentPort;
if (!port) throw new Error('records-worker.ts must run in a worker thread');
const result = await writeRecords(workerData as RecordsJob, (people) => port.postMessage({ people }));
port.postMessage({ result });
