import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duck } from './db/duck.ts';
import { duckMemoryLimit, memoryBudget } from './db/memory.ts';
import { UserError } from './errors.ts';

/**
 * The workspace format this version writes and reads. Format 2 stores pseudonyms as UUID (128-bit
 * integers, src/db/uid.ts) in the raw partitions and the pipeline's tables; format 1 (or no
 * version) held them as 32-character hex text and is refused (see requireFormat).
 */
export const WORKSPACE_FORMAT = 2;

/** What a workspace says about itself (workspace.json). */
export interface WorkspaceInfo {
  /** Format (WORKSPACE_FORMAT when written by this version; older files may say 1 or nothing). */
  version: number;
  createdAt: string;
  /** True when the records are synthetic; every page and export says so. */
  synthetic: boolean;
  /** True when `epitrace demo` built it: only such a workspace may `demo` delete and rebuild. */
  demo?: boolean;
  description: string;
  scenario?: { name: string; from: string; to: string; epicentre: string };
}

/**
 * A workspace folder: analytics.duckdb (DuckDB), app.sqlite (accounts, sessions,
 * audit), raw/ (day partitions of pseudonymised records), quarantine/, tmp/.
 */
export class Workspace {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get infoPath(): string {
    return join(this.root, 'workspace.json');
  }
  get duckPath(): string {
    return join(this.root, 'analytics.duckdb');
  }
  get sqlitePath(): string {
    return join(this.root, 'app.sqlite');
  }
  get rawDir(): string {
    return join(this.root, 'raw');
  }
  get quarantineDir(): string {
    return join(this.root, 'quarantine');
  }
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }
  /** Published copies of analytics.duckdb and current.json, the one the server reads. */
  get snapshotsDir(): string {
    return join(this.root, 'snapshots');
  }

  exists(): boolean {
    return existsSync(this.infoPath);
  }

  /** Creates the folder layout (idempotent). */
  create(info: Omit<WorkspaceInfo, 'version' | 'createdAt'>, now = new Date()): void {
    for (const d of [this.root, this.rawDir, this.quarantineDir, this.tmpDir])
      mkdirSync(d, { recursive: true });
    if (!this.exists()) this.writeInfo({ version: WORKSPACE_FORMAT, createdAt: now.toISOString(), ...info });
  }

  /** Fails with a clear line when the workspace is missing or of an older format. */
  require(): this {
    if (!this.exists()) {
      throw new UserError(
        `workspace ${this.root} not found: run 'epitrace demo' to build the demo one, or 'epitrace ingest --workspace ${this.root} ...' to start one`,
      );
    }
    return this.requireFormat();
  }

  /** The format workspace.json states: 1 when it states none (written before formats were numbered). */
  format(): number {
    const v = this.info().version;
    return typeof v === 'number' ? v : 1;
  }

  /**
   * Fails with one line naming how to rebuild when workspace.json states an older format than
   * WORKSPACE_FORMAT (its tables and partitions hold pseudonyms as text, which this version does
   * not read). A folder without workspace.json is not checked (see require).
   */
  requireFormat(): this {
    if (!this.exists()) return this;
    const f = this.format();
    if (f === WORKSPACE_FORMAT) return this;
    if (f > WORKSPACE_FORMAT) {
      throw new UserError(
        `workspace ${this.root} is format ${f}, made by a newer EpiTrace (this one reads format ${WORKSPACE_FORMAT}): use that version`,
      );
    }
    throw new UserError(
      `workspace ${this.root} is format ${f} (made before EpiTrace stored pseudonyms as 128-bit integers): rebuild it: \`epitrace demo\` rebuilds the demo workspace; for others, ingest the original files again into a new workspace with the same key (\`epitrace ingest --workspace NEW ...\`, then \`epitrace run\`), or restore a backup made by this version`,
    );
  }

  info(): WorkspaceInfo {
    return JSON.parse(readFileSync(this.infoPath, 'utf8')) as WorkspaceInfo;
  }

  writeInfo(info: WorkspaceInfo): void {
    writeFileSync(this.infoPath, JSON.stringify(info, null, 2) + '\n');
  }

  /**
   * Opens the analytics database with bounded memory and spilling into tmp/ (refusing an
   * older-format workspace, see requireFormat). DuckDB lets one
   * process write a database file (or several read it): a conflicting lock becomes one clear
   * line rather than the engine's error.
   */
  async openDuck(opts: { readOnly?: boolean; memoryLimit?: string; threads?: number } = {}): Promise<Duck> {
    // The budget bounds the process; DuckDB's pool gets its share (src/db/memory.ts).
    const memoryLimit = duckMemoryLimit(opts.memoryLimit ?? memoryBudget());
    // EPITRACE_THREADS caps DuckDB's worker threads (default: one per core); the benches run 1 and 2.
    const threads = opts.threads ?? (Number(process.env['EPITRACE_THREADS']) || undefined);
    this.requireFormat();
    try {
      return await Duck.open({
        path: this.duckPath,
        memoryLimit,
        tempDirectory: this.tmpDir,
        readOnly: opts.readOnly,
        threads,
      });
    } catch (e) {
      const msg = (e as Error).message ?? '';
      if (/Could not set lock|Conflicting lock/i.test(msg)) {
        const pid = /\(PID (\d+)\)/.exec(msg)?.[1];
        throw new UserError(
          `workspace ${this.root} is in use by another process${pid ? ` (PID ${pid})` : ''}: try again when it is done (a job, a backup or another command writing it; 'serve' reads published snapshots and never holds it)`,
        );
      }
      throw e;
    }
  }
}
