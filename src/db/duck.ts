import { DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export { quotedIdentifier, quotedString };

/** Where and how big the analytics engine may be. */
export interface DuckOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** DuckDB memory_limit, e.g. '4GB'. Always set (design.md: spill, don't crash). */
  memoryLimit?: string;
  /** Folder for spilled intermediates. */
  tempDirectory?: string;
  threads?: number;
  /** Open without write access, so several readers (the server) can share the file. */
  readOnly?: boolean;
}

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;

/** SQL: `n` positional parameters from `$from` on, comma-separated ("$3, $4, $5"). */
export function placeholders(n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
}

/** A DuckDB connection with the two calls the pipeline needs: run a statement, read plain rows. */
export class Duck {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Opens (or creates) a database with bounded memory and a spill folder. */
  static async open(opts: DuckOptions): Promise<Duck> {
    const config: Record<string, string> = { memory_limit: opts.memoryLimit ?? '4GB' };
    if (opts.tempDirectory) config['temp_directory'] = opts.tempDirectory;
    if (opts.threads) config['threads'] = String(opts.threads);
    if (opts.readOnly) config['access_mode'] = 'READ_ONLY';
    const instance = await DuckDBInstance.create(opts.path, config);
    return new Duck(instance, await instance.connect());
  }

  /** Runs one statement with bound values. */
  async run(sql: string, params?: Params): Promise<void> {
    await this.conn.run(sql, params);
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT stays bigint; cast in SQL when needed). */
  async all<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  /** First row of a query, or undefined. */
  async one<T = Record<string, unknown>>(sql: string, params?: Params): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
