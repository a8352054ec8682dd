// The flows view's default selection on a demo-size workspace publishes something for every chart it draws
// (issue 16: "every chart of the demo shows non-empty data"), and every region has a centroid for the flow lines.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import { Client } from '../../src/testing/http.ts';
import { defaultParams } from '../../src/synth/params.ts';
import type { Centroids, FlowsDivision, OutflowAnswer, ScaleAnswer } from './flows-api.ts';
import { flowsPath, scalePath } from './flows-api.ts';

const centroids = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/geo/centroids.json', import.meta.url)), 'utf8'),
) as Centroids;

let client: Client;
let close: () => Promise<void>;
let meta: { scenario: { from: string; to: string; epicentre: { code: string } } };

beforeAll(async () => {
  // The demo's own parameters (npm start), not the small test scenario.
  const f = await pipelineFixture('flows-demo', { ...defaultParams });
  let url: string;
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', 'demo-test-password'));
  client = new Client(url);
  expect((await client.login('analyst', 'demo-test-password')).status).toBe(200);
  meta = (await client.send('GET', '/api/meta')).body as typeof meta;
}, 600_000);

afterAll(async () => {
  await close?.();
});

describe('the flows view on the demo', () => {
  it('publishes a total, a destination, a province, daily points and a scale index for the default selection', async () => {
    const { from, to, epicentre } = meta.scenario;
    const out = (await client.send('GET', `/api${flowsPath('out', { region: epicentre.code, from, to })}`))
      .body as unknown as OutflowAnswer;
    expect(out.total.count).toBeGreaterThan(0);
    expect(out.destinations.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    expect(out.byProvince.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    expect(out.daily.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    // The view's default baseline: the first 7 data days.
    const days: string[] = out.daily.map((d) => d.date);
    const path = scalePath({
      region: epicentre.code,
      direction: 'out',
      from,
      to,
      baseFrom: days[0]!,
      baseTo: days[Math.min(6, days.length - 1)]!,
    });
    const scale = (await client.send('GET', `/api${path}`)).body as unknown as ScaleAnswer;
    expect(scale.daily.filter((d) => d.index !== null).length).toBeGreaterThan(0);
  });

  it('has a centroid for every city and province the API lists', async () => {
    for (const level of ['city', 'province'] as const) {
      const list = (await client.send('GET', `/api/divisions?level=${level}`))
        .body as unknown as FlowsDivision[];
      const at = level === 'city' ? centroids.cities : centroids.provinces;
      expect(list.length).toBeGreaterThan(30);
      expect(list.filter((d) => !at[d.code]).map((d) => d.code)).toEqual([]);
    }
  });
});
