import type { FileSummary } from './ingest.ts';

const n = (x: number) => x.toLocaleString('en');

function dayRange(days: string[]): string {
  if (!days.length) return '-';
  return days.length === 1 ? days[0]! : `${days[0]}..${days[days.length - 1]} (${days.length})`;
}

/** Records per second over a file's whole ingest (hashing to commit). */
export function rowsPerSecond(s: FileSummary): number {
  return s.seconds > 0 ? Math.round(s.read / s.seconds) : 0;
}

/**
 * The end-of-run table: one line per file (read, accepted, quarantined, days, rows/s), the
 * reasons under it, and the identity read = accepted + quarantined checked over all files.
 */
export function formatSummary(list: FileSummary[]): string {
  const head = ['file', 'read', 'accepted', 'quarantined', 'days', 'rows/s'];
  const body = list.map((s) => [
    s.file + (s.skipped ? ' (already ingested)' : ''),
    n(s.read),
    n(s.accepted),
    n(s.quarantined),
    dayRange(s.days),
    s.skipped ? '-' : n(rowsPerSecond(s)),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  const out = [line(head)];
  list.forEach((s, i) => {
    out.push(line(body[i]!));
    const reasons = Object.entries(s.reasons).map(([r, k]) => `${r} ${n(k)}`);
    if (s.points) reasons.push(`(accepted GPS points without a cell: ${n(s.points)})`);
    if (reasons.length && !s.skipped) out.push(`  ${reasons.join(', ')}`);
  });
  const fresh = list.filter((s) => !s.skipped);
  const sum = (k: 'read' | 'accepted' | 'quarantined') => fresh.reduce((a, s) => a + s[k], 0);
  const ok = sum('read') === sum('accepted') + sum('quarantined');
  out.push(
    `read = accepted + quarantined: ${n(sum('read'))} = ${n(sum('accepted'))} + ${n(sum('quarantined'))}` +
      (ok ? ' (checked)' : ' (MISMATCH)') +
      (fresh.length < list.length
        ? `; ${list.length - fresh.length} file(s) already ingested, nothing added`
        : ''),
  );
  return out.join('\n') + '\n';
}
