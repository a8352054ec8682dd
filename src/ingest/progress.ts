import cliProgress from 'cli-progress';
import type { Duck } from '../db/duck.ts';

/** Where one input file stands. */
export interface ProgressEvent {
  file: string;
  stage: string;
  /** Share of this file's work done, 0..1. */
  fraction: number;
  /** Records in the file, 0 until known. */
  rows: number;
  elapsedMs: number;
}

/** How often DuckDB's progress on a running statement is sampled. */
const POLL_MS = 250;

/** Reports one file's progress: stages with shares of the work, DuckDB's own progress inside them. */
export class FileProgress {
  rows = 0;
  private readonly t0: number;
  constructor(
    private readonly db: Duck,
    private readonly file: string,
    private readonly emit: ((e: ProgressEvent) => void) | undefined,
    private readonly now: () => number,
  ) {
    this.t0 = now();
  }

  elapsedMs(): number {
    return this.now() - this.t0;
  }

  report(stage: string, fraction: number): void {
    this.emit?.({ file: this.file, stage, fraction, rows: this.rows, elapsedMs: this.elapsedMs() });
  }

  /** Runs `work` as the stage covering fractions [from, to] of the file. */
  async stage<T>(stage: string, from: number, to: number, work: () => Promise<T>): Promise<T> {
    this.report(stage, from);
    if (!this.emit) return work();
    const timer = setInterval(() => {
      const pct = this.db.conn.progress.percentage;
      if (pct >= 0) this.report(stage, from + ((to - from) * Math.min(pct, 100)) / 100);
    }, POLL_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      this.report(stage, to);
    }
  }
}

function rate(e: ProgressEvent): string {
  const done = e.rows * e.fraction;
  return e.elapsedMs > 0 ? Math.round((done * 1000) / e.elapsedMs).toLocaleString('en') : '0';
}

/**
 * Shows ingest progress on `stream` (stderr, so stdout stays clean for --json): a bar with rows/s
 * on a terminal, otherwise one line per stage.
 */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | null = null;
  let file = '';
  let stage = '';
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const update = (e: ProgressEvent) => {
    if (!stream.isTTY) {
      if (e.file !== file || e.stage !== stage) stream.write(`${e.file}: ${e.stage} (${rate(e)} rows/s)\n`);
    } else {
      if (e.file !== file) {
        stop();
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${e.file.slice(0, 28).padEnd(28)} [{bar}] {percentage}% | {stage} | {rate} rows/s`,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0, { stage: e.stage, rate: '0' });
      }
      bar?.update(Math.round(e.fraction * 100), { stage: e.stage, rate: rate(e) });
    }
    file = e.file;
    stage = e.stage;
  };
  return { update, stop };
}
