import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';

let ws: Workspace;
let base: string;
let close: () => Promise<void>;
let cookie = '';

async function api(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, base), {
    ...init,
    headers: { 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  ws = (await pipelineFixture('server')).ws;
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert('epi', 'correct horse battery staple', 'analyst');
  await new Accounts(db, () => new Date('2000-01-01T00:00:00Z')).upsert(
    'old',
    'expired account pw',
    'analyst',
  );
  db.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  base = s.url;
  close = s.close;
});

afterAll(async () => close?.());

describe('HTTP API', () => {
  it('refuses data without a login', async () => {
    const r = await api('/api/flows/outflow?origin=420100&from=2020-01-16&to=2020-01-22');
    expect(r.status).toBe(401);
  });

  it('refuses a wrong password and an expired account', async () => {
    expect(
      (
        await api('/api/login', {
          method: 'POST',
          body: JSON.stringify({ username: 'epi', password: 'nope' }),
        })
      ).status,
    ).toBe(401);
    const expired = await api('/api/login', {
      method: 'POST',
      body: JSON.stringify({ username: 'old', password: 'expired account pw' }),
    });
    expect(expired.status).toBe(401);
    expect(expired.body['error']).toMatch(/expired/);
  });

  it('names the field of a bad login body', async () => {
    const r = await api('/api/login', { method: 'POST', body: JSON.stringify({ username: 'epi' }) });
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe('password');
  });

  it('logs in and answers the outflow, audited', async () => {
    const res = await fetch(new URL('/api/login', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'epi', password: 'correct horse battery staple' }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    cookie = setCookie.split(';')[0]!;
    const me = await api('/api/me');
    expect(me.body).toMatchObject({ username: 'epi', role: 'analyst' });
    const r = await api('/api/flows/outflow?origin=420100&from=2020-01-16&to=2020-01-22');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ origin: { code: '420100', name: '武汉市' }, synthetic: true, k: 15 });
    const dest = r.body['destinations'] as { count: number | null; suppressed: boolean }[];
    expect(dest.length).toBeGreaterThan(5);
    expect(dest.every((d) => (d.suppressed ? d.count === null : d.count! >= 15))).toBe(true);
    const db = openAppDb(ws.sqlitePath);
    const audit = openAudit(ws, db);
    expect(audit.recent(5).map((e) => e.action)).toContain('flows.outflow');
    expect(audit.verify()).toBeNull();
    db.close();
  });

  it.each([
    ['origin=42010&from=2020-01-16&to=2020-01-22', 'origin'],
    ['origin=999999&from=2020-01-16&to=2020-01-22', 'origin'],
    ['origin=420100&from=2020-02-30&to=2020-01-22', 'from'],
    ['origin=420100&from=2020-01-20&to=2020-01-16', 'from'],
    ['origin=420100&from=2020-01-16', 'to'],
  ])('answers 400 naming the field for %s', async (qs, field) => {
    const r = await api(`/api/flows/outflow?${qs}`);
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe(field);
    expect(r.body['error']).toContain(field);
  });
});
