/**
 * Anonymous hits on the public routes, counted instead of logged one by one (issue 17): a public page may be
 * read by millions, and one audit entry each would let anyone grow the HMAC chain at will. At most one entry
 * per minute is written (`public.hits`: per route, how many anonymous answers since the last entry), on the
 * first hit of a new minute and when the server closes. Refused anonymous requests (4xx) are not counted
 * here: they are logged as any refused anonymous request (src/server/request-log.ts, 60 a minute per address).
 */
import type { AuditLog } from '../privacy/audit.ts';

export class PublicTally {
  private counts = new Map<string, number>();
  private since: number | null = null;
  private minute: number | null = null;

  constructor(
    private readonly audit: Pick<AuditLog, 'record'>,
    private readonly now: () => number,
  ) {}

  /** Counts one anonymous answer of `route`; writes the pending counts when a new minute has begun. */
  hit(route: string): void {
    const t = this.now();
    const minute = Math.floor(t / 60_000);
    if (this.minute !== null && minute !== this.minute) this.flush();
    this.minute = minute;
    this.since ??= t;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  /** Writes the pending counts as one audit entry (none when there are none). */
  flush(): void {
    if (!this.counts.size) return;
    const hits = Object.fromEntries([...this.counts].sort());
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.audit.record(null, 'public.hits', {
      hits,
      total,
      from: new Date(this.since ?? this.now()).toISOString(),
      to: new Date(this.now()).toISOString(),
    });
    this.counts = new Map();
    this.since = null;
  }
}
