import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duck } from './db/duck.ts';
import { UserError } from './errors.ts';

/** What a workspace says about itself (workspace.json). */
export interface WorkspaceInfo {
  version: 1;
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
    if (!this.exists()) this.writeInfo({ version: 1, createdAt: now.toISOString(), ...info });
  }

  /** Fails with a clear line when the workspace is missing. */
  require(): this {
    if (!this.exists()) {
      throw new UserError(
        `workspace ${this.root} not found: run 'epitrace demo' to build the demo one, or 'epitrace ingest --workspace ${this.root} ...' to start one`,
      );
    }
    return this;
  }

  info(): WorkspaceInfo {
    return JSON.parse(readFileSync(this.infoPath, 'utf8')) as WorkspaceInfo;
  }

  writeInfo(info: WorkspaceInfo): void {
    writeFileSync(this.infoPath, JSON.stringify(info, null, 2) + '\n');
  }

  /**
   * Opens the analytics database with bounded memory and spilling into tmp/. DuckDB lets one
   * process write a database file (or several read it): a conflicting lock becomes one clear
   * line rather than the engine's error.
   */
  async openDuck(opts: { readOnly?: boolean; memoryLimit?: string; threads?: number } = {}): Promise<Duck> {
    const memoryLimit = opts.memoryLimit ?? process.env['EPITRACE_MEMORY_LIMIT'] ?? '4GB';
    // EPITRACE_THREADS caps DuckDB's worker threads (default: one per core); the benches run 1 and 2.
    const threads = opts.threads ?? (Number(process.env['EPITRACE_THREADS']) || undefined);
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
