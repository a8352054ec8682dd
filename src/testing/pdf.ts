import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PDF's text per page (poppler's pdftotext, layout kept so table rows stay on one line). */
export function pdfTextPages(pdf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'epitrace-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    return text.split('\f').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each page of a PDF drawn by poppler (pdftoppm -gray -r 40, PGM) and the fraction of its pixels that are not
 * white: a blank page is ~0, a page of text and tables several percent.
 */
export function pdfInk(pdf: Buffer): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'epitrace-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    execFileSync('pdftoppm', ['-gray', '-r', '40', join(dir, 'r.pdf'), join(dir, 'p')]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pgm'))
      .sort()
      .map((f) => {
        const b = readFileSync(join(dir, f));
        // P5 header: magic, width height, maxval, each followed by one whitespace byte.
        const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(b.subarray(0, 64).toString('latin1'));
        if (!m) throw new Error(`${f}: not a binary PGM`);
        const px = b.subarray(m[0].length);
        let ink = 0;
        for (const v of px) if (v < 200) ink++;
        return ink / px.length;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
