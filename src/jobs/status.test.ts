import { describe, expect, it } from 'vitest';
import { formatStatus } from './status.ts';
import type { StatusReport } from './status.ts';
import type { Job } from './store.ts';

const job = (o: Partial<Job>): Job => ({
  id: 1,
  kind: 'landing',
  state: 'queued',
  pid: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  heartbeatAt: null,
  step: null,
  done: null,
  total: null,
  inputs: [],
  result: null,
  error: null,
  snapshotId: null,
  ...o,
});

describe('formatStatus', () => {
  it('prints the snapshot, the running job with its progress, the last success with counts, failures with reasons and pending files', () => {
    const s: StatusReport = {
      workspace: '/ws',
      synthetic: true,
      snapshot: {
        id: 4,
        publishedAt: '2026-01-01T01:00:00.000Z',
        days: { first: '2020-01-16', last: '2020-01-20', count: 5 },
      },
      jobs: {
        running: job({
          id: 9,
          state: 'running',
          pid: 321,
          startedAt: 'T1',
          heartbeatAt: 'T2',
          step: 'pipeline',
          done: 1,
          total: 2,
        }),
        queued: 1,
        lastSuccess: job({
          id: 8,
          state: 'succeeded',
          finishedAt: 'T0',
          snapshotId: 4,
          result: { read: 10, accepted: 7, quarantined: 3, days: ['2020-01-20'] },
        }),
        lastFailure: null,
        recentFailures: [
          job({
            id: 7,
            state: 'failed',
            finishedAt: 'T-1',
            inputs: ['a.csv'],
            error: 'interrupted: process 5 ended without finishing (killed or crashed)',
          }),
        ],
      },
      landing: { dir: '/ws/landing', pending: 1, files: ['b.csv'] },
    };
    expect(formatStatus(s).split('\n')).toEqual([
      'workspace /ws (SYNTHETIC data)',
      'published snapshot 4 at 2026-01-01T01:00:00.000Z: days 2020-01-16..2020-01-20 (5)',
      'running: job 9 (landing, process 321) since T1: pipeline 1/2, heartbeat T2',
      'queued: 1',
      'last success: job 8 (landing) at T0, snapshot 4; read 10, accepted 7, quarantined 3; ran 2020-01-20',
      'recent failures:',
      '  job 7 (landing, a.csv) at T-1: interrupted: process 5 ended without finishing (killed or crashed)',
      'landing /ws/landing: 1 file(s) pending (b.csv)',
      '',
    ]);
    const idle = formatStatus({
      ...s,
      snapshot: null,
      jobs: { running: null, queued: 0, lastSuccess: null, lastFailure: null, recentFailures: [] },
    });
    expect(idle).toContain(
      'published snapshot: none yet\nrunning: none\nqueued: 0\nlast success: none\nrecent failures: none\n',
    );
  });
});
