import type { Workspace } from '../workspace.ts';
import { existsSync, readdirSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { buildCityDwells, DEFAULT_DWELL_MINUTES } from './dwells.ts';
import { buildOd } from './od.ts';
import { buildStays, rawSource } from './stays.ts';

export interface RunOptions {
  dwellMinutes?: number;
}

export interface RunSummary {
  stays: number;
  cityDwells: number;
  trips: number;
  odRows: number;
  seconds: Record<string, number>;
}

/** Runs the pipeline steps in order over all ingested day partitions. */
export async function runPipeline(
  ws: Workspace,
  opts: RunOptions = {},
  step: (name: string) => void = () => {},
): Promise<RunSummary> {
  if (!existsSync(ws.rawDir) || readdirSync(ws.rawDir).length === 0) {
    throw new UserError(`workspace ${ws.root} has no ingested records yet: run 'epitrace ingest' first`);
  }
  const db = await ws.openDuck();
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    step(name);
    const t0 = performance.now();
    const r = await f();
    seconds[name] = (performance.now() - t0) / 1000;
    return r;
  };
  try {
    const stays = await timed('stays', () => buildStays(db, rawSource(ws.rawDir)));
    const cityDwells = await timed('dwells', () => buildCityDwells(db));
    const od = await timed('od', () => buildOd(db, opts.dwellMinutes ?? DEFAULT_DWELL_MINUTES));
    return { stays, cityDwells, ...od, seconds };
  } finally {
    db.close();
  }
}
