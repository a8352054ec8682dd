import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerForecast } from '../cli/commands/forecast.ts';
import { addForecastBuild, ENGINE } from '../cli/commands/forecast-build.ts';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import type { Workspace } from '../workspace.ts';
import { listRuns } from './store.ts';
import { buildForecast } from './workspace-build.ts';
import { workspaceEpiData } from './workspace-data.ts';

// EpiData from a workspace, `forecast build` on the command line (under epi-data's `forecast` command, whose
// own --members/--seed/--horizon must not swallow build's), and the atomic replacement of a stored run.
// The simulator's folder sits beside the test workspace; the CLI (which looks inside the workspace) therefore
// models census populations, the direct calls the simulated ones.

let ws: Workspace;
let synthDir: string;
let db: Duck;

beforeAll(async () => {
  const f = await tracingFixture('forecast-build');
  [ws, synthDir] = [f.ws, f.synthDir];
}, 300_000);

afterAll(() => db?.close());

async function open(): Promise<Duck> {
  db = await ws.openDuck();
  return db;
}

const count = async (d: Duck, sql: string): Promise<number> =>
  (await d.one<{ n: number }>(`SELECT (${sql})::INTEGER AS n`))!.n;

describe('forecast from a workspace', { timeout: 300_000 }, () => {
  it('EpiData: the registry confirmed per city and day, simulated populations, flows scaled to them', async () => {
    const d = await open();
    const info = ws.info();
    const w = await workspaceEpiData(d, { synthetic: true, scenario: info.scenario!, synthDir });
    const { data } = w;
    expect(w.populationSource).toBe('simulated');
    expect(data.synthetic).toBe(true);
    expect([data.start, data.days]).toEqual([info.scenario!.from, 7]);
    const n = data.regions.length;
    // Every simulated person lives in a modelled city.
    const people = await count(
      d,
      `SELECT sum(residents) FROM read_parquet(${quotedString(join(synthDir, 'truth', 'residents.parquet'))})`,
    );
    expect(data.regions.reduce((s, r) => s + r.population, 0)).toBe(people);
    // Confirmed: per day, the registry's confirmed cases of that confirmation day.
    const total = data.confirmed.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(total + w.unplaced).toBe(
      await count(
        d,
        `SELECT count(*) FROM trace_cases WHERE status = 'confirmed' AND confirmed BETWEEN DATE '${data.start}' AND DATE '${info.scenario!.to}'`,
      ),
    );
    const wuhan = data.regions.findIndex((r) => r.code === '420100');
    for (let day = 0; day < data.days; day++) {
      const iso = new Date(Date.parse(`${data.start}T00:00:00Z`) + day * 86_400_000)
        .toISOString()
        .slice(0, 10);
      expect(data.confirmed[day * n + wuhan]).toBe(
        await count(
          d,
          `SELECT count(*) FROM trace_cases WHERE status = 'confirmed' AND confirmed = DATE '${iso}' AND (city = '420100' OR (city IS NULL AND county LIKE '4201%'))`,
        ),
      );
    }
    // Flows: the pipeline's expanded travellers out of Wuhan, times simulated / census population.
    const day3 = data.flows[3]!;
    let out = 0;
    for (let k = 0; k < day3.origin.length; k++) if (day3.origin[k] === wuhan) out += day3.people[k]!;
    const codes = new Set(data.regions.map((r) => r.code));
    const rows = await d.all<{ dest: string; x: number }>(
      `SELECT dest, sum(expanded)::DOUBLE AS x FROM od_expanded WHERE level = 'city' AND origin = '420100'
       AND dest <> '420100' AND date = $1::DATE + 3 GROUP BY dest`,
      [data.start],
    );
    const expanded = rows.filter((r) => codes.has(r.dest)).reduce((s, r) => s + r.x, 0);
    expect(expanded).toBeGreaterThan(0);
    const census = loadDivisions().byCode('420100', 'city').population;
    expect(out).toBeCloseTo((expanded * data.regions[wuhan]!.population) / census, 6);
    d.close();
  });

  it('forecast build: prints one SYNTHETIC line, stores run 1; a second build replaces it with run 2', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    try {
      for (let i = 0; i < 2; i++) {
        // Wired as main.ts wires it: the `forecast` command (forecast from files) gets the `build` subcommand.
        const program = new Command();
        addForecastBuild(registerForecast(program));
        await program.parseAsync(
          ['forecast', 'build', '-w', ws.root, '--members', '10', '--horizon', '5', '--seed', '3'],
          { from: 'user' },
        );
      }
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^SYNTHETIC forecast run 1: \d+ confirmed cases 2020-01-16 to 2020-01-22 .*\(census populations\)/,
    );
    expect(lines[1]).toMatch(/^SYNTHETIC forecast run 2: /);
    const d = await open();
    const runs = await listRuns(d);
    expect(runs.map((r) => [r.run, r.horizon, r.members])).toEqual([[2, 5, 10]]);
    expect(await count(d, `SELECT count(DISTINCT run) FROM forecast_rows`)).toBe(1);
    expect(await count(d, `SELECT count(*) FROM forecast_rows WHERE run <> 2`)).toBe(0);
    d.close();
  });

  it('a build failing while storing leaves the previous run whole; absurd options are refused', async () => {
    const d = await open();
    const before = await count(d, `SELECT count(*) FROM forecast_rows`);
    const broken = {
      ...ENGINE,
      forecastEnsemble: (...a: Parameters<typeof ENGINE.forecastEnsemble>) => {
        const rows = ENGINE.forecastEnsemble(...a);
        // A row no table can take, after thousands that it can: the transaction must undo them all.
        return [...rows, { ...rows.find((r) => r.region === 'CN')!, target: 'not a date' }];
      },
    };
    const o = { horizon: 5, members: 10, seed: 1, scenarios: [] };
    await expect(buildForecast(d, { root: ws.root, info: ws.info() }, o, broken)).rejects.toThrow();
    expect(await count(d, `SELECT count(*) FROM forecast_rows`)).toBe(before);
    expect((await listRuns(d)).map((r) => r.run)).toEqual([2]);
    for (const bad of [
      { horizon: 0 },
      { horizon: 10_000 },
      { members: 1 },
      { members: 1e9 },
      { horizon: 2.5 },
    ])
      await expect(
        buildForecast(d, { root: ws.root, info: ws.info() }, { ...o, ...bad }, ENGINE),
      ).rejects.toThrow(UserError);
    d.close();
  });
});
