import { existsSync } from 'node:fs';
import { duckMemoryLimit, memoryBudget } from '../db/memory.ts';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { Workspace, WorkspaceInfo } from '../workspace.ts';
import { ResponseCache } from './cache.ts';
import { readCurrent, snapshotFile } from './publish.ts';
import type { SnapshotManifest } from './publish.ts';

/** One published snapshot, opened READ_ONLY: every answer the server gives comes from exactly one. */
export interface Snapshot {
  manifest: SnapshotManifest;
  duck: Duck;
  info: WorkspaceInfo;
  cache: ResponseCache;
}

/**
 * The days a snapshot's queries may span: the scenario's window (workspace.json) widened to the pipeline days
 * published, so days that landed after the scenario was written can be asked for; undefined when neither is known.
 */
export function dataWindow(s: {
  info: WorkspaceInfo;
  manifest: Pick<SnapshotManifest, 'days'>;
}): { from: string; to: string } | undefined {
  const sc = s.info.scenario;
  const d = s.manifest.days;
  if (!sc) return d ? { from: d.first, to: d.last } : undefined;
  if (!d) return { from: sc.from, to: sc.to };
  return { from: d.first < sc.from ? d.first : sc.from, to: d.last > sc.to ? d.last : sc.to };
}

/** A request's hold on a snapshot: its Duck stays open until every lease on it is released. */
export interface Lease {
  snapshot: Snapshot;
  release(): void;
}

export interface SnapshotSourceOptions {
  /** How often current.json is read; default 1000 ms (0: never, call refresh()). */
  pollMs?: number;
  /** Checks a snapshot before it is served (e.g. requireCellKeys); a throw keeps the previous one. */
  validate?: (duck: Duck) => Promise<void>;
  /** Where switches and refused snapshots are reported; default stderr. */
  log?: (line: string) => void;
  /** Response cache size per snapshot in MB (0: off); default 64. */
  cacheMb?: number;
  /** DuckDB memory_limit of each snapshot (default as Workspace.openDuck). */
  memoryLimit?: string;
}

/** Default response cache per snapshot, in MB: the demo's aggregate answers are a few kB to 1 MB each. */
export const DEFAULT_CACHE_MB = 64;

interface Entry {
  snapshot: Snapshot;
  leases: number;
  retired: boolean;
  closed: boolean;
}

/**
 * The published snapshots as the server sees them: polls current.json, opens a new snapshot READ_ONLY,
 * validates it and switches to it; a request leases the current one, and a replaced one is closed when
 * its last lease is released. The server never opens analytics.duckdb, so writers are never blocked.
 */
export class SnapshotSource {
  private cur: Entry;
  private readonly entries = new Set<Entry>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<boolean> | undefined;
  /** A snapshot id refused by validation: immutable, so it is not tried again (but a newer one is). */
  private refusedId = 0;
  private closing = false;
  private drained: (() => void)[] = [];
  /** Snapshot Ducks closed so far (tests watch replaced snapshots being closed). */
  closedCount = 0;

  private constructor(
    private readonly ws: Workspace,
    private readonly opts: SnapshotSourceOptions,
    first: Snapshot,
  ) {
    this.cur = this.add(first);
  }

  /** Opens the published snapshot (UserError when there is none or it fails validation) and starts polling. */
  static async open(ws: Workspace, opts: SnapshotSourceOptions = {}): Promise<SnapshotSource> {
    const m = readCurrent(ws);
    if (!m) throw new UserError(`workspace ${ws.root} has no published snapshot: run 'epitrace publish'`);
    const snap = await openSnapshot(ws, m, opts);
    const source = new SnapshotSource(ws, opts, snap);
    const pollMs = opts.pollMs ?? 1000;
    if (pollMs > 0) {
      source.timer = setInterval(() => void source.refresh(), pollMs);
      source.timer.unref();
    }
    return source;
  }

  /** The snapshot new requests get. */
  current(): Snapshot {
    return this.cur.snapshot;
  }

  /** Leases the current snapshot; release() exactly once when the work that reads it has ended. */
  acquire(): Lease {
    const entry = this.cur;
    entry.leases++;
    let released = false;
    return {
      snapshot: entry.snapshot,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.retired && entry.leases === 0) this.closeEntry(entry);
      },
    };
  }

  /** Reads current.json and switches when its id changed; true when switched. One refresh at a time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    if (this.closing) return false;
    const log = this.opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
    let m: SnapshotManifest | null;
    let snap: Snapshot;
    try {
      m = readCurrent(this.ws);
      if (!m || m.id === this.cur.snapshot.manifest.id || m.id === this.refusedId) return false;
      snap = await openSnapshot(this.ws, m, this.opts);
    } catch (e) {
      // A garbage manifest, a file deleted under us, a refused snapshot: keep serving the current one.
      if (e instanceof Refused) this.refusedId = e.id;
      log(`snapshot: keeping ${this.cur.snapshot.manifest.id}: ${(e as Error).message}`);
      return false;
    }
    if (this.closing) {
      snap.duck.close();
      return false;
    }
    const old = this.cur;
    this.cur = this.add(snap);
    old.retired = true;
    if (old.leases === 0) this.closeEntry(old);
    log(`snapshot: serving ${m.id} (${m.days ? `${m.days.first} .. ${m.days.last}` : 'no days run'})`);
    return true;
  }

  /** Stops polling, waits until every lease is released, closes every snapshot. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.refreshing;
    this.cur.retired = true;
    for (const e of [...this.entries]) if (e.leases === 0) this.closeEntry(e);
    if (this.entries.size > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private add(snapshot: Snapshot): Entry {
    const e = { snapshot, leases: 0, retired: false, closed: false };
    this.entries.add(e);
    return e;
  }

  private closeEntry(e: Entry): void {
    if (e.closed) return;
    e.closed = true;
    e.snapshot.cache.clear();
    e.snapshot.duck.close();
    this.closedCount++;
    this.entries.delete(e);
    if (this.entries.size === 0) for (const resolve of this.drained.splice(0)) resolve();
  }
}

/** A snapshot that failed validation (not retried: its file never changes). */
class Refused extends UserError {
  constructor(
    readonly id: number,
    message: string,
  ) {
    super(message);
  }
}

async function openSnapshot(
  ws: Workspace,
  m: SnapshotManifest,
  opts: SnapshotSourceOptions,
): Promise<Snapshot> {
  const path = snapshotFile(ws, m);
  if (!existsSync(path))
    throw new UserError(`snapshot ${m.id}: ${path} is missing: run 'epitrace publish' to publish again`);
  const duck = await Duck.open({
    path,
    readOnly: true,
    memoryLimit: duckMemoryLimit(opts.memoryLimit ?? memoryBudget()),
    tempDirectory: ws.tmpDir,
  });
  try {
    await opts.validate?.(duck);
  } catch (e) {
    duck.close();
    // Refused at start with the check's own message (the same line serve gave before snapshots).
    if (e instanceof UserError) throw new Refused(m.id, e.message);
    throw e;
  }
  return { manifest: m, duck, info: m.info, cache: new ResponseCache(opts.cacheMb ?? DEFAULT_CACHE_MB) };
}
