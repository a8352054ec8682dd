import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A landing file as last seen. */
export interface Seen {
  size: number;
  mtimeMs: number;
  /** When the watcher first saw this size and mtime (its own clock). */
  since: number;
}

/**
 * True for names the watcher leaves alone: dotfiles (rsync's and our own folders), and the temporary
 * names copy tools write under before renaming (`*.tmp`, `*.part`).
 */
export function ignoredName(name: string): boolean {
  return name.startsWith('.') || /\.(tmp|part)$/i.test(name);
}

/** Regular files directly in the landing folder that may become ready (sub-folders are ignored). */
export function landingFiles(dir: string): { name: string; size: number; mtimeMs: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: { name: string; size: number; mtimeMs: number }[] = [];
  for (const name of names.sort()) {
    if (ignoredName(name)) continue;
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) out.push({ name, size: st.size, mtimeMs: st.mtimeMs });
    } catch {
      // Renamed or deleted between the listing and the stat: it is simply not there.
    }
  }
  return out;
}

/**
 * Decides when a landing file is completely written: its size and mtime unchanged for `settleMs`
 * of the watcher's clock. With `trustMtime` (one pass, `watch --once`, which never sees a file twice)
 * an mtime at least `settleMs` old counts as settled too.
 */
export class Settler {
  private readonly seen = new Map<string, Seen>();
  constructor(
    private readonly settleMs: number,
    private readonly now: () => number,
    private readonly trustMtime = false,
  ) {}

  /** Records what the listing shows and returns the names that are ready, in name order. */
  observe(files: { name: string; size: number; mtimeMs: number }[]): string[] {
    const t = this.now();
    const ready: string[] = [];
    const present = new Set<string>();
    for (const f of files) {
      present.add(f.name);
      const prev = this.seen.get(f.name);
      const same = prev && prev.size === f.size && prev.mtimeMs === f.mtimeMs;
      const since = same ? prev.since : t;
      if (!same) this.seen.set(f.name, { size: f.size, mtimeMs: f.mtimeMs, since });
      const settled = t - since >= this.settleMs || (this.trustMtime && t - f.mtimeMs >= this.settleMs);
      if (settled) ready.push(f.name);
    }
    for (const name of [...this.seen.keys()]) if (!present.has(name)) this.seen.delete(name);
    return ready;
  }

  /** Forgets a file (claimed). */
  forget(name: string): void {
    this.seen.delete(name);
  }
}
