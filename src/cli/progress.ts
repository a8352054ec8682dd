import cliProgress from 'cli-progress';

/** A progress display: a bar on a terminal, a few plain lines otherwise (logs, CI). */
export interface Progress {
  start(label: string, total: number): void;
  update(done: number): void;
  stop(): void;
}

/** Progress on stderr, so stdout stays clean for results and --json. */
export function makeProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    return {
      start(label, total) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      },
      update: (done) => bar?.update(done),
      stop: () => bar?.stop(),
    };
  }
  let label = '';
  let total = 0;
  let lastTenth = -1;
  let t0 = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      lastTenth = -1;
      t0 = performance.now();
    },
    update(done) {
      const tenth = total ? Math.floor((10 * done) / total) : 10;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${label}: ${done}/${total} (${tenth * 10}%)\n`);
      }
    },
    stop() {
      stream.write(`${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    },
  };
}

/** Adapts a Progress to callbacks that name their phase: each new phase gets its own bar. */
export function phased(progress: Progress, labels: Record<string, string> = {}) {
  let current = '';
  return {
    update(phase: string, done: number, total: number): void {
      if (phase !== current) {
        if (current) progress.stop();
        current = phase;
        progress.start(labels[phase] ?? phase, total);
      }
      progress.update(done);
    },
    stop(): void {
      if (current) progress.stop();
      current = '';
    },
  };
}
