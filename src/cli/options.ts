import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { defaultParams } from '../synth/params.ts';
import type { ScenarioParams } from '../synth/params.ts';

/** Where workspaces go unless --workspace says otherwise. */
export const DEFAULT_WORKSPACE = './epitrace-data';

/** Option parser for a whole number >= min, with a message naming the option. */
export function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got '${v}'`);
    }
    return n;
  };
}

/** Option parser for a calendar date YYYY-MM-DD. */
export function date(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got '${v}'`);
  }
  return v;
}

/** Option parser for a 6-digit division code. */
export function divisionCode(v: string): string {
  if (!/^\d{6}$/.test(v)) throw new InvalidArgumentError(`expected a 6-digit division code, got '${v}'`);
  return v;
}

export interface ScenarioFlags {
  people: number;
  days: number;
  start: string;
  seed: number;
  epicentre: string;
}

/** The scenario options shared by `synth` and `demo`. */
export function scenarioOptions(cmd: Command): Command {
  return cmd
    .option('--people <n>', 'simulated people (all operators)', int('--people', 1), defaultParams.people)
    .option('--days <n>', 'simulated days', int('--days', 1), defaultParams.days)
    .option('--start <date>', 'first simulated day (YYYY-MM-DD)', date, defaultParams.start)
    .option('--seed <n>', 'random seed (same seed, same bytes)', int('--seed'), defaultParams.seed)
    .option('--epicentre <code>', 'epicentre city code', divisionCode, defaultParams.epicentre);
}

/** Scenario parameters from the flags, defaults for the rest. */
export function scenarioParams(f: ScenarioFlags): ScenarioParams {
  return {
    ...defaultParams,
    people: f.people,
    days: f.days,
    start: f.start,
    seed: f.seed,
    epicentre: f.epicentre,
  };
}

export interface ServeFlags {
  workspace: string;
  host: string;
  port: number;
  k: number;
}

/** The server options shared by `serve` and `demo`. */
export function serveOptions(cmd: Command): Command {
  return cmd
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', int('--port'), 8080)
    .option('--k <n>', 'disclosure control: minimum published count', int('--k', 1), DEFAULT_K);
}
