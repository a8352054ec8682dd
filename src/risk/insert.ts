import type { Duck } from '../db/duck.ts';

/** Inserts rows into a table (a fixed name from code) in chunks of bound values; `casts` per column ('' for none). */
export async function insertRows(
  db: Duck,
  table: string,
  rows: (string | number | boolean | null)[][],
  casts: string[],
): Promise<void> {
  const w = casts.length;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk
      .map((_, j) => `(${casts.map((c, x) => `$${j * w + x + 1}${c ? `::${c}` : ''}`).join(', ')})`)
      .join(', ');
    await db.run(`INSERT INTO ${table} VALUES ${values}`, chunk.flat());
  }
}
