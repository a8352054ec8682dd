import { beforeAll, describe, expect, it } from 'vitest';
import { scoreContacts } from '../testing/contact-truth.ts';
import type { ContactScore } from '../testing/contact-truth.ts';
import { pipelineFixture } from '../testing/fixture.ts';

// Companions of the listed confirmed cases versus the simulator's true contacts (>= 60 min at the same
// cell, subscribers only, over the whole scenario): the 8000-person week of the fixture, default gap 30 min.
describe("companions against the simulator's true contacts", () => {
  let plain: ContactScore;
  let extended: ContactScore;

  beforeAll(async () => {
    const f = await pipelineFixture('trace-truth');
    plain = await scoreContacts(f, false);
    extended = await scoreContacts(f, true);
    process.stderr.write(`records' span: ${JSON.stringify(plain)}\nextended: ${JSON.stringify(extended)}\n`);
  }, 240_000);

  it('finds >= 0.9 of the true companions, and >= 0.9 of those found are true (default: no extension)', () => {
    expect(plain.cases).toBeGreaterThanOrEqual(3);
    expect(plain.truth).toBeGreaterThan(100);
    // Measured 0.998 and 0.987 at seed 1 (README): the goal is 0.9.
    expect(plain.recall).toBeGreaterThanOrEqual(0.95);
    expect(plain.precision).toBeGreaterThanOrEqual(0.95);
    // Stays end at their last record: shared minutes are a little under-estimated (measured -5.7 min).
    expect(plain.minutesBias).toBeLessThan(0);
    expect(plain.minutesBias).toBeGreaterThan(-15);
  });

  it('extending stays half way to the next one over-counts shared time and costs precision', () => {
    expect(extended.minutesBias).toBeGreaterThan(20);
    expect(extended.precision).toBeLessThan(plain.precision);
    expect(extended.recall).toBeGreaterThanOrEqual(plain.recall);
  });
});
